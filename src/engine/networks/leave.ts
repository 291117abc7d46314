// A container leaving its networks without holding the network lock while processes run. When each of its
// endpoints can go by deleting its interface (no published ports, and another container on the network that stays),
// the decision is made under the lock, the interfaces and the namespace are deleted outside it, and the record is
// dropped under the lock again. So a down of many containers deletes their interfaces side by side instead of one
// after another (two processes each, ~20 ms). Until the record goes the container's addresses stay taken, but it
// counts as gone for every decision (NetworkService.usedByOthers): a network's last container, torn down by
// netavark, first waits for the interfaces of those leaving (NetworkService.leftFrom).
import { hasPorts } from './endpoint-setup.js';
import { removeNetns } from './host-net.js';
import type { NetworkService } from './network-service.js';
import type { ActiveContainer } from './types.js';
import { deleteInterface } from './veth.js';

/** Whether every endpoint of `active` can go by deleting its interface. Call inside exclusive(). */
export function canLeaveDirectly(service: NetworkService, active: ActiveContainer): boolean {
  return active.endpoints.every((e) => !hasPorts(e) && service.usedByOthers(e.networkId, active.containerId));
}

/**
 * Starts the leave of `active` (canLeaveDirectly said yes); call inside exclusive(), and await the returned
 * promise outside it (it takes the lock again at its end). A crash in between leaves the record, which the next
 * sweep tears down, and so does one after a namespace that could not be removed. An interface that cannot be
 * deleted is logged: the namespace goes anyway, and its interfaces with it.
 */
export function startLeave(
  service: NetworkService,
  active: ActiveContainer,
  log: (line: string) => void,
): { left: Promise<void> } {
  const id = active.containerId;
  const gone = (async () => {
    for (const e of active.endpoints) {
      if (!(await deleteInterface(active.netns, e.interfaceName))) log(`deleting ${e.interfaceName} of ${id} failed`);
    }
    await removeNetns(active.netns);
    return true;
  })().catch((err: unknown) => {
    log(`leaving the networks of ${id}: ${String(err)}`);
    return false; // the record stays, naming the namespace, for the next sweep
  });
  service.leaving.set(
    id,
    gone.then(() => undefined),
  );
  // Nothing to settle at the end: a network this container left had another container that stayed, and the last
  // of those is torn down under the lock (after waiting for this one) and settles the network's bridge.
  const left = gone
    .then((ok) =>
      service.exclusive(async () => {
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
  return { left };
}
