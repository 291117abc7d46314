// A container's endpoints on networks in the in-memory engine. As in dockerd, an endpoint of a container that
// does not run is configuration only: the network's `connect`/`disconnect` events come when a running container
// is attached or detached, and when a container starts or ends (lifecycle.ts calls announceEndpoints).
import type { EndpointSettings } from '../api-types.js';
import type { ContainerRecord, MemoryState, NetworkRecord } from './state.js';
import { engineError } from './state.js';

export function isRunning(c: ContainerRecord): boolean {
  return c.status === 'running' || c.status === 'paused' || c.status === 'restarting';
}

/** Attaches without checks: `connect` and create have done them. */
export function connectRecord(s: MemoryState, c: ContainerRecord, n: NetworkRecord, aliases: string[]): void {
  n.nextHost += 1;
  const ipAddress = `172.${n.subnet}.0.${n.nextHost}`;
  c.networks.set(n.name, { ipAddress, aliases: [...aliases], networkId: n.id });
  if (isRunning(c)) s.emit('network', 'connect', n.id, { container: c.id, name: n.name, type: n.driver });
}

/** Emits the network events of a container starting ("connect") or ending ("disconnect"). */
export function announceEndpoints(s: MemoryState, c: ContainerRecord, action: 'connect' | 'disconnect'): void {
  for (const name of c.networks.keys()) {
    const n = s.findNetwork(name);
    if (n) s.emit('network', action, n.id, { container: c.id, name: n.name, type: n.driver });
  }
}

export function connectContainer(s: MemoryState, ref: string, network: string, endpoint?: EndpointSettings): void {
  const c = s.container(ref);
  const n = s.network(network);
  if (n.builtin) {
    throw engineError('invalid', `container cannot be connected to the ${n.name} network`);
  }
  if (c.networks.has(n.name)) {
    throw engineError('conflict', `endpoint with name ${c.name} already exists in network ${n.name}`);
  }
  s.record('containers.connect', `${c.name} ${n.name}`);
  connectRecord(s, c, n, endpoint?.Aliases ?? []);
}

export function disconnectContainer(s: MemoryState, ref: string, network: string): void {
  const c = s.container(ref);
  const n = s.network(network);
  if (!c.networks.has(n.name)) {
    throw engineError('conflict', `container ${c.id} is not connected to network ${n.name}`);
  }
  s.record('containers.disconnect', `${c.name} ${n.name}`);
  c.networks.delete(n.name);
  if (isRunning(c)) s.emit('network', 'disconnect', n.id, { container: c.id, name: n.name, type: n.driver });
}
