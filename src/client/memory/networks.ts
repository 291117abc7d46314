// Networks of the in-memory engine: the predefined bridge, host and none, and user networks with unique names;
// removing one that a running container uses is a conflict, as dockerd's "has active endpoints".
import type { EngineClient, NetworkCreate, NetworkSummary } from '../types.js';
import { isRunning } from './network-attach.js';
import { matchesLabels } from './filters.js';
import type { MemoryState, NetworkRecord } from './state.js';
import { engineError } from './state.js';

export const BUILTIN_NETWORKS = [
  ['bridge', 'bridge'],
  ['host', 'host'],
  ['none', 'null'],
] as const;

export function addBuiltinNetworks(s: MemoryState): void {
  for (const [name, driver] of BUILTIN_NETWORKS) {
    const id = s.newId('network');
    const rec = { id, name, driver, internal: false, labels: {}, created: s.isoNow(), builtin: true };
    s.networks.set(id, { ...rec, nextHost: 1, subnet: 17 });
  }
}

export function memoryNetworks(s: MemoryState): EngineClient['networks'] {
  return {
    list: async (filter = {}) =>
      [...s.networks.values()]
        .filter((n) => matchesLabels(n.labels, filter.labels))
        .filter((n) => filter.names === undefined || filter.names.includes(n.name))
        .map((n) => summary(s, n, false)),
    inspect: async (ref) => {
      const n = s.findNetwork(ref);
      return n ? summary(s, n, true) : undefined;
    },
    create: async (req) => createNetwork(s, req),
    remove: async (ref) => {
      const n = s.network(ref);
      if (n.builtin) throw engineError('invalid', `${n.name} is a pre-defined network and cannot be removed`);
      const users = [...s.containers.values()].filter((c) => isRunning(c) && c.networks.has(n.name));
      if (users.length > 0) {
        throw engineError(
          'conflict',
          `error while removing network: network ${n.name} id ${n.id} has active endpoints`,
          'stop or disconnect the containers attached to it first',
        );
      }
      s.record('networks.remove', n.name);
      s.networks.delete(n.id);
      s.emit('network', 'destroy', n.id, { name: n.name, type: n.driver });
    },
  };
}

function createNetwork(s: MemoryState, req: NetworkCreate): { id: string } {
  if (req.name === '' || /[^a-zA-Z0-9_.-]/.test(req.name)) {
    throw engineError('invalid', `invalid network name "${req.name}"`);
  }
  if ([...s.networks.values()].some((n) => n.name === req.name)) {
    throw engineError('conflict', `network with name ${req.name} already exists`);
  }
  const id = s.newId('network');
  const userNetworks = [...s.networks.values()].filter((n) => !n.builtin).length;
  const rec: NetworkRecord = {
    id,
    name: req.name,
    driver: req.driver ?? 'bridge',
    internal: req.internal ?? false,
    labels: { ...(req.labels ?? {}) },
    created: s.isoNow(),
    builtin: false,
    nextHost: 1,
    subnet: 18 + userNetworks,
  };
  s.networks.set(id, rec);
  s.record('networks.create', req.name);
  s.emit('network', 'create', id, { name: rec.name, type: rec.driver });
  return { id };
}

function summary(s: MemoryState, n: NetworkRecord, withContainers: boolean): NetworkSummary {
  const out: NetworkSummary = {
    id: n.id,
    name: n.name,
    driver: n.driver,
    scope: 'local',
    internal: n.internal,
    labels: { ...n.labels },
  };
  if (withContainers) {
    out.containers = [...s.containers.values()].filter((c) => isRunning(c) && c.networks.has(n.name)).map((c) => c.id);
  }
  return out;
}
