// depends_on as edges of the plan: a dependent's create and start come after its dependencies are up, and after a
// `wait` action for each condition that is more than "started" (healthy, completed successfully), or that is not
// required (so a failed optional dependency only warns). Compose's waitDependencies, decided before anything runs.
import type { Service } from '../spec/model.js';
import type { Action, ActionId, ContainerRef } from './action.js';
import { addAction } from './action.js';
import { serviceDependencies } from './plan.js';

/** What the plan does with one service's containers, as its dependents need to know. */
export interface ServiceOutcome {
  /** The actions after which each of its containers runs (start, restart); empty when all stay as they are. */
  up: ActionId[];
  /** Its containers once the plan has run, first replica first. */
  containers: Array<{ name: string; container: ContainerRef }>;
  /** Recreated or restarted: what a dependent with `restart: true` restarts for. */
  changed?: 'recreated' | 'restarted';
}

export interface DependencyEdges {
  /** Everything the service's creates and starts come after. */
  after: ActionId[];
  /** The same, by dependency: what a `restart: true` restart comes after. */
  byService: Map<string, ActionId[]>;
}

/**
 * The edges of `service` to the services it depends on (only those in `only`, when given) that are in the plan
 * (`outcomes`, planned before it). Adds the `wait` actions these need, one per dependency and condition, shared by
 * all the dependents (`waits`). Called only when the service has something to run: a wait nothing comes after is
 * not planned.
 */
export function dependencyEdges(
  actions: Action[],
  service: Service,
  state: { outcomes: ReadonlyMap<string, ServiceOutcome>; waits: Map<string, ActionId> },
  only?: readonly string[],
): DependencyEdges {
  const byService = new Map<string, ActionId[]>();
  for (const [dep, rule] of Object.entries(serviceDependencies(service)).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const outcome = state.outcomes.get(dep);
    if (only && !only.includes(dep)) continue;
    if (!outcome) continue; // not part of this up (--no-deps, or a disabled service): Compose does not wait for it
    const required = rule.required !== false;
    const started = rule.condition === 'service_started';
    if (started && required && outcome.containers.length > 0) {
      byService.set(dep, outcome.up);
      continue;
    }
    if (started && !required && outcome.up.length === 0) continue;
    const key = `${dep}:${rule.condition}:${required}`;
    let wait = state.waits.get(key);
    if (wait === undefined) {
      const verb = started ? 'started' : rule.condition === 'service_healthy' ? 'healthy' : 'completed successfully';
      wait = addAction(actions, {
        kind: 'wait',
        after: outcome.up,
        row: { resource: 'container', name: outcome.containers[0]?.name ?? dep },
        reason: `${service.name} waits for ${dep} ${verb}${required ? '' : ' (not required)'}`,
        service: dep,
        condition: rule.condition,
        required,
        containers: outcome.containers,
      });
      state.waits.set(key, wait);
    }
    byService.set(dep, [wait]);
  }
  return { after: [...new Set([...byService.values()].flat())], byService };
}
