// `down` as a plan: the project's containers, dependents first (orphans too with removeOrphans), then its networks,
// and with volumes its named volumes. Pure, like planUp.
import { compareText } from '../compare-text.js';
import type { Stack } from '../spec/model.js';
import type { Action, ActionId, Plan } from './action.js';
import { addAction } from './action.js';
import { LABEL } from './labels.js';
import type { Observed } from './observed.js';
import { serviceDependencies, serviceOrder } from './plan-services.js';

export interface DownOptions {
  volumes?: boolean;
  removeOrphans?: boolean;
  /** Seconds a stop waits before it kills (-t). */
  stopTimeout?: number;
}

export function planDown(stack: Stack, observed: Observed, opts: DownOptions = {}): Plan {
  const known = new Set([...Object.keys(stack.services), ...stack.disabledServices]);
  const actions: Action[] = [];
  const warnings: string[] = [];
  const orphans = observed.containers.filter((c) => !known.has(c.service)).sort(byName);
  if (orphans.length > 0 && !opts.removeOrphans) {
    warnings.push(
      `Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. You can run this ` +
        'command with the --remove-orphans flag to clean it up.',
    );
  }
  const timeout = opts.stopTimeout === undefined ? {} : { timeoutSeconds: opts.stopTimeout };
  const removed = new Map<string, ActionId[]>();
  const remove = (c: Observed['containers'][number], after: ActionId[], reason: string): ActionId => {
    const row = { resource: 'container' as const, name: c.name };
    return addAction(actions, { kind: 'remove-container', after, row, reason, container: { id: c.id }, ...timeout });
  };
  if (opts.removeOrphans) for (const c of orphans) remove(c, [], 'orphan');
  // Dependents go first: a service's containers are removed after those of the services that depend on it.
  const services = [...new Set(observed.containers.map((c) => c.service))].filter((s) => stack.services[s]);
  for (const name of serviceOrder(stack, services).reverse()) {
    const dependents = services.filter(
      (d) => name in serviceDependencies(stack.services[d] as Stack['services'][string]),
    );
    const after = dependents.flatMap((d) => removed.get(d) ?? []);
    const mine = observed.containers
      .filter((c) => c.service === name)
      .sort((a, b) => a.number - b.number || compareText(a.name, b.name));
    removed.set(
      name,
      mine.map((c) => remove(c, after, 'down')),
    );
  }
  const allContainers = actions.map((a) => a.id);
  for (const n of observed.networks.filter((x) => x.labels[LABEL.project] === stack.name).sort(byName)) {
    const row = { resource: 'network' as const, name: n.name };
    addAction(actions, { kind: 'remove-network', after: allContainers, row, reason: 'down', network: n.name });
  }
  if (opts.volumes) {
    for (const v of observed.volumes.filter((x) => x.labels[LABEL.project] === stack.name).sort(byName)) {
      const row = { resource: 'volume' as const, name: v.name };
      const draft = { after: allContainers, row, reason: 'down --volumes', volume: v.name, destructive: true as const };
      addAction(actions, { kind: 'remove-volume', ...draft });
    }
  }
  return { project: stack.name, actions, unchanged: [], warnings };
}

function byName(a: { name: string }, b: { name: string }): number {
  return compareText(a.name, b.name);
}
