// `down` as a plan: the project's containers stopped in reverse depends_on order (a dependent stops before what it
// depends on; services with no depends_on between them all at once) and each removed as soon as it has stopped
// (orphans too with removeOrphans), then its networks, and with volumes its named volumes. Pure, like planUp.
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
  const stopped = new Map<string, ActionId[]>();
  const remove = (c: Observed['containers'][number], after: ActionId[], reason: string): ActionId => {
    const row = { resource: 'container' as const, name: c.name };
    return addAction(actions, { kind: 'remove-container', after, row, reason, container: { id: c.id }, ...timeout });
  };
  if (opts.removeOrphans) for (const c of orphans) remove(c, [], 'orphan');
  // Services of a profile that is not enabled are still the project's: their containers go too (Compose).
  const disabled = observed.containers.filter((c) => known.has(c.service) && !stack.services[c.service]);
  for (const c of disabled.sort(byName)) remove(c, [], 'down');
  // Dependents go first: a service's containers are stopped once those of the services that depend on it have
  // stopped (Compose's reverse dependency order). Only the stops are ordered: a removal waits for its own stop
  // alone, so removing a dependent overlaps stopping what it depended on.
  const services = [...new Set(observed.containers.map((c) => c.service))].filter((s) => stack.services[s]);
  for (const name of serviceOrder(stack, services).reverse()) {
    const dependents = services.filter(
      (d) => name in serviceDependencies(stack.services[d] as Stack['services'][string]),
    );
    const after = dependents.flatMap((d) => stopped.get(d) ?? []);
    const mine = observed.containers
      .filter((c) => c.service === name)
      .sort((a, b) => a.number - b.number || compareText(a.name, b.name));
    const stops = mine.map((c) => {
      const row = { resource: 'container' as const, name: c.name };
      const stop = addAction(actions, {
        kind: 'stop',
        after,
        row,
        reason: 'down',
        container: { id: c.id },
        ...timeout,
      });
      remove(c, [stop], 'down');
      return stop;
    });
    stopped.set(name, stops);
  }
  const allContainers = actions.flatMap((a) => (a.kind === 'remove-container' ? [a.id] : []));
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
