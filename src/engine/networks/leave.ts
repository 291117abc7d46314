// A container leaving its networks without holding the network lock while processes run. When each of its
// endpoints can go by deleting its interface (no published ports, not the default network's last container), the
// decision is made in a section of berthd's own (no host lock), the interfaces and the namespace are deleted
// outside the lock, and the record is dropped in a section again. The exit that started the leave does not wait
// for it: deleting an interface waits for the kernel (15-30 ms), so a down of many containers, or a chain of them,
// would otherwise wait for each. Until the record goes the container's addresses stay taken, but it counts as gone
// for every decision (NetworkService.usedByOthers) and for clients (network inspect, and its `disconnect` events
// are sent as the leave starts); its next start waits for the leave to end (NetworkService.leaveEnded), its
// network's removal does not; a network's last container, when netavark tears it down, first waits for the
// interfaces of those leaving (NetworkService.leftFrom).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { hasPorts } from './endpoint-setup.js';
import { removeNetns } from './host-net.js';
import type { NetworkService } from './network-service.js';
import type { ActiveContainer } from './types.js';
import { deleteInterface } from './veth.js';

/**
 * Whether every endpoint of `active` can go by deleting its interface: no published ports (their DNAT rules are
 * netavark's), and not the last container of the default network, which gives its bridge, subnet and rules up with
 * it. A user network keeps its rules and bridge until it is removed. Call inside a section.
 */
export function canLeaveDirectly(service: NetworkService, active: ActiveContainer): boolean {
  return active.endpoints.every((e) => {
    if (hasPorts(e)) return false;
    if (service.usedByOthers(e.networkId, active.containerId)) return true;
    const n = service.store.find(e.networkId);
    return n !== undefined && n.name !== 'bridge';
  });
}

/**
 * Starts the leave of `active` (canLeaveDirectly said yes); call inside a section; NetworkService.leaveEnded
 * waits for its end, which takes the lock again, so only outside one. A crash in between leaves the record, which the next sweep
 * tears down, and so does a namespace that could not be removed. An interface that cannot be deleted is logged:
 * the namespace goes anyway, and its interfaces with it.
 */
export function startLeave(service: NetworkService, active: ActiveContainer, log: (line: string) => void): void {
  const id = active.containerId;
  const gone = (async () => {
    await nextTurn(); // after the exit's answer has gone out
    for (const e of active.endpoints) {
      if (!(await deleteInterface(active.netns, e.interfaceName))) log(`deleting ${e.interfaceName} of ${id} failed`);
    }
    await removeNetns(active.netns);
    return true;
  })().catch((err: unknown) => {
    log(`leaving the networks of ${id}: ${String(err)}`);
    return false; // the record stays, naming the namespace, for the next sweep
  });
  // Nothing to settle at the end: the bridge of a user network stays for its next containers (the default network,
  // whose bridge goes with its last container, leaves under the lock, where the network gives it up).
  const left = gone
    .then((ok) =>
      service.local(async () => {
        service.leaving.delete(id);
        if (!ok || service.store.activeOf(id) !== active) return;
        active.endpoints = [];
        service.store.deleteActive(id);
      }),
    )
    .catch((err: unknown) => {
      service.leaving.delete(id); // the record stays, as after a crash, for the next sweep
      throw err;
    });
  service.leaving.set(id, { gone: gone.then(() => undefined), left });
}
