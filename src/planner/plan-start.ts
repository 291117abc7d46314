// `start`: the project's existing containers as a plan, so that applyPlan starts them in depends_on order and waits
// for each dependency's condition (service_healthy, service_completed_successfully) as `up` does, rather than
// starting everything at once (Compose v2's start runs InDependencyOrder with waitDependencies). Pure.
import type { Service, Stack } from '../spec/model.js';
import { compareText } from '../compare-text.js';
import type { Action, ActionId, Plan, UnchangedContainer } from './action.js';
import { addAction } from './action.js';
import type { Observed } from './observed.js';
import { selectServices, serviceOrder } from './plan-services.js';
import type { ServiceOutcome } from './plan-waits.js';
import { dependencyEdges } from './plan-waits.js';

export interface StartPlan {
  /** `start` for each stopped container (after its waits); running ones are `unchanged`, waited for as dependencies. */
  plan: Plan;
  /** Selected services that have no container: `up` has not created them (Compose: "has no container to start"). */
  missing: string[];
}

/** The start plan for `services` (all when empty) and what they depend on; one-off containers are left alone. */
export function planStart(stack: Stack, observed: Observed, services: readonly string[] = []): StartPlan {
  const actions: Action[] = [];
  const unchanged: UnchangedContainer[] = [];
  const missing: string[] = [];
  const outcomes = new Map<string, ServiceOutcome>();
  const waits = new Map<string, ActionId>();
  for (const name of serviceOrder(stack, selectServices(stack, services))) {
    const existing = observed.containers
      .filter((c) => c.service === name && !c.oneoff)
      .sort((a, b) => a.number - b.number || compareText(a.name, b.name));
    if (existing.length === 0) missing.push(name);
    const outcome: ServiceOutcome = { up: [], containers: [] };
    for (const c of existing) {
      // paused and restarting containers are not started again, as `docker compose start` leaves them
      const stopped = c.state === 'created' || c.state === 'exited' || c.state === 'dead';
      const row = { resource: 'container' as const, name: c.name };
      if (stopped) {
        const deps = dependencyEdges(actions, stack.services[name] as Service, { outcomes, waits });
        const draft = { after: deps.after, row, reason: c.state, container: { id: c.id } };
        outcome.up.push(addAction(actions, { kind: 'start', ...draft }));
      } else {
        unchanged.push({ service: name, name: c.name, id: c.id });
      }
      outcome.containers.push({ name: c.name, container: { id: c.id } });
    }
    outcomes.set(name, outcome);
  }
  return { plan: { project: stack.name, actions, unchanged, warnings: [] }, missing: missing.sort(compareText) };
}
