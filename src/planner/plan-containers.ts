// The container actions of one service in `up`: scale down, remove what a cut-short recreate left, recreate what
// changed (stop, create in its place, start), start what is stopped, restart what a `restart: true` dependency
// changed under, create what is missing.
import { serviceConfigHash, serviceKeyHashes } from '../spec/config-hash.js';
import type { Service, Stack } from '../spec/model.js';
import type { Action, ActionId, ContainerRef, UnchangedContainer } from './action.js';
import { addAction } from './action.js';
import type { ObservedContainer } from './observed.js';
import type { CreateContext } from './plan-create.js';
import { createContainerDraft } from './plan-create.js';
import type { DependencyEdges, ServiceOutcome } from './plan-waits.js';
import { LABEL } from './labels.js';

export interface ServicePlanInput {
  stack: Stack;
  service: Service;
  /** Its containers on the engine (not one-off), by number. */
  existing: readonly ObservedContainer[];
  scale: number;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  stopTimeout?: number;
  /** Networks, volumes and pulls its containers need. */
  resources: readonly ActionId[];
  /** Its edges to the services it depends on (only those named, when given); adds the waits they need. */
  deps: (only?: readonly string[]) => DependencyEdges;
  outcomes: ReadonlyMap<string, ServiceOutcome>;
  create: CreateContext;
  /** A replica's final name. */
  nameOf: (number: number) => string;
}

/** Adds the service's container actions to `actions` (and what stays to `unchanged`); returns what dependents need. */
export function planServiceContainers(
  actions: Action[],
  unchanged: UnchangedContainer[],
  input: ServicePlanInput,
): ServiceOutcome {
  const { service, scale } = input;
  const timeout = input.stopTimeout === undefined ? {} : { timeoutSeconds: input.stopTimeout };
  const { replicas, leftovers } = oneByNumber(input.existing, input.nameOf);
  planRemovals(actions, replicas.slice(scale), 'scale', timeout);
  planRemovals(actions, leftovers, 'replaced', timeout);
  const kept = replicas.slice(0, scale);
  const used = new Set(kept.map((c) => c.number));
  const fresh: number[] = [];
  for (let next = 1; kept.length + fresh.length < scale; next++) if (!used.has(next)) fresh.push(next);
  // The first replica is the one `service:NAME` references resolve to: known now unless this plan creates it
  const outcome: ServiceOutcome = { up: [], containers: [] };
  const firstReplica = (name: string): ContainerRef | undefined =>
    name === service.name ? undefined : input.outcomes.get(name)?.containers[0]?.container;
  // Asked only when a container has something to run, so an unchanged service adds no waits
  const after = (): ActionId[] => [...input.resources, ...input.deps().after];
  const hash = serviceConfigHash(service);
  const keyHashes = serviceKeyHashes(service);
  const imageId = input.create.imageIds[service.name];

  for (const c of kept) {
    const row = { resource: 'container' as const, name: c.name };
    const changes = input.forceRecreate
      ? ['--force-recreate']
      : [
          ...(c.configHash !== hash ? changedKeys(parseKeyHashes(c), keyHashes) : []),
          ...(imageId !== undefined && c.imageId !== imageId ? ['image'] : []),
        ];
    if (changes.length > 0 && !input.noRecreate) {
      // The new container takes the replica's own name, also when a cut-short recreate left the old one renamed
      const name = input.nameOf(c.number);
      const stop = addAction(actions, {
        kind: 'stop',
        after: after(),
        row: { resource: 'container', name },
        reason: 'recreate',
        container: { id: c.id },
        ...timeout,
      });
      const args = { stack: input.stack, service, number: c.number, name, firstReplica, replaces: c.id };
      const reason = input.forceRecreate ? '--force-recreate' : `changed: ${changes.join(', ')}`;
      const created = addAction(actions, createContainerDraft({ ...args, after: [stop], reason }, input.create));
      outcome.up.push(addAction(actions, startDraft(name, created, 'recreated')));
      outcome.containers.push({ name, container: { createdBy: created } });
      outcome.changed = 'recreated';
    } else if (c.state !== 'running' && c.state !== 'restarting') {
      const draft = { after: after(), row, reason: c.state, container: { id: c.id } };
      outcome.up.push(addAction(actions, { kind: 'start', ...draft }));
      outcome.containers.push({ name: c.name, container: { id: c.id } });
    } else {
      const restart = dependentRestart(input);
      if (restart) {
        outcome.up.push(addAction(actions, { kind: 'restart', row, container: { id: c.id }, ...restart, ...timeout }));
        outcome.changed ??= 'restarted';
      } else {
        unchanged.push({ service: service.name, name: c.name, id: c.id });
      }
      outcome.containers.push({ name: c.name, container: { id: c.id } });
    }
  }
  for (const number of fresh) {
    const name = input.nameOf(number);
    const args = { stack: input.stack, service, number, name, firstReplica, after: after(), reason: 'missing' };
    const created = addAction(actions, createContainerDraft(args, input.create));
    outcome.up.push(addAction(actions, startDraft(name, created, 'created')));
    outcome.containers.push({ name, container: { createdBy: created } });
  }
  return outcome;
}

/**
 * One container per replica number. A number held twice is a recreate cut short between its create and the old
 * container's removal: the container with the replica's own name is the newer one and stays; the old one, renamed
 * aside, is a leftover. `existing` is sorted by number.
 */
function oneByNumber(
  existing: readonly ObservedContainer[],
  nameOf: (number: number) => string,
): { replicas: ObservedContainer[]; leftovers: ObservedContainer[] } {
  const replicas: ObservedContainer[] = [];
  const leftovers: ObservedContainer[] = [];
  for (const c of existing) {
    const last = replicas.at(-1);
    if (last?.number !== c.number) {
      replicas.push(c);
    } else if (c.name === nameOf(c.number)) {
      replicas[replicas.length - 1] = c;
      leftovers.push(last);
    } else {
      leftovers.push(c);
    }
  }
  return { replicas, leftovers };
}

/** Removes the replicas past the wanted scale (the highest numbers), or the leftovers of cut-short recreates. */
function planRemovals(
  actions: Action[],
  containers: readonly ObservedContainer[],
  reason: 'scale' | 'replaced',
  timeout: { timeoutSeconds?: number },
): void {
  for (const c of containers) {
    const row = { resource: 'container' as const, name: c.name };
    addAction(actions, {
      kind: 'remove-container',
      after: [],
      row,
      reason,
      container: { id: c.id },
      ...timeout,
    });
  }
}

function startDraft(name: string, created: ActionId, reason: string): Parameters<typeof addAction>[1] {
  return {
    kind: 'start',
    after: [created],
    row: { resource: 'container', name },
    reason,
    container: { createdBy: created },
  };
}

/**
 * Compose's `depends_on: { db: { restart: true } }`: a running container whose dependency the plan recreates or
 * restarts is restarted after it (and after its condition holds), so it reconnects. Transitive, as restarts count.
 */
function dependentRestart(input: ServicePlanInput): { after: ActionId[]; reason: string } | undefined {
  const dependsOn = input.service.depends_on ?? {};
  const triggers = Object.keys(dependsOn)
    .filter((dep) => dependsOn[dep]?.restart === true && input.outcomes.get(dep)?.changed !== undefined)
    .sort();
  if (triggers.length === 0) return undefined;
  return {
    after: input.deps(triggers).after,
    reason: triggers.map((dep) => `dependency ${dep} ${input.outcomes.get(dep)?.changed}`).join(', '),
  };
}

/** Which keys differ between the key hashes on a container and the wanted ones. */
export function changedKeys(old: Record<string, string> | undefined, wanted: Record<string, string>): string[] {
  if (!old) return ['config'];
  const keys = new Set([...Object.keys(old), ...Object.keys(wanted)]);
  return [...keys].filter((k) => old[k] !== wanted[k]).sort();
}

function parseKeyHashes(c: ObservedContainer): Record<string, string> | undefined {
  const raw = c.labels[LABEL.keyHashes];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Record<string, string>;
  } catch {
    return undefined;
  }
}
