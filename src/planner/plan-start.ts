// `start`: the project's existing containers as a plan, so that applyPlan starts them in depends_on order and waits
// for each dependency's condition (service_healthy, service_completed_successfully) as `up` does, rather than
// starting everything at once (Compose v2's start runs InDependencyOrder with waitDependencies). Pure.
import type { Stack } from '../spec/model.js';
import { compareText } from '../compare-text.js';
import type { Observed } from './observed.js';
import type { Action, Plan } from './plan.js';
import { selectServices } from './plan.js';

export interface StartPlan {
  /** `start` for each stopped container, `unchanged` for running ones (dependencies whose condition is awaited). */
  plan: Plan;
  /** Selected services that have no container: `up` has not created them (Compose: "has no container to start"). */
  missing: string[];
}

/** The start plan for `services` (all when empty) and what they depend on; one-off containers are left alone. */
export function planStart(stack: Stack, observed: Observed, services: readonly string[] = []): StartPlan {
  const actions: Action[] = [];
  const missing: string[] = [];
  for (const name of selectServices(stack, services)) {
    const existing = observed.containers
      .filter((c) => c.service === name && !c.oneoff)
      .sort((a, b) => a.number - b.number || compareText(a.name, b.name));
    if (existing.length === 0) missing.push(name);
    for (const c of existing) {
      // paused and restarting containers are not started again, as `docker compose start` leaves them
      const stopped = c.state === 'created' || c.state === 'exited' || c.state === 'dead';
      actions.push({
        id: `container:${name}:${c.number}`,
        kind: stopped ? 'start' : 'unchanged',
        resource: 'container',
        name: c.name,
        service: name,
        number: c.number,
        containerId: c.id,
        after: [],
      });
    }
  }
  return { plan: { project: stack.name, actions, warnings: [] }, missing };
}
