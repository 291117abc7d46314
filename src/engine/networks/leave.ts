// A container leaving its networks without holding the network lock while processes run. When each of its
// endpoints can go by deleting its interface (no published ports; another container on the network that stays, or
// the network's rules removed by berthd first), the decision is made under the lock, the interfaces and the
// namespace are deleted outside it, and the record is dropped under the lock again. The exit that started the leave
// does not wait for it: deleting an interface waits for the kernel (15-30 ms), so a down of many containers, or a
// chain of them, would otherwise wait for each. Until the record goes the container's addresses stay taken, but it
// counts as gone for every decision (NetworkService.usedByOthers); its next start, its removal and its network's
// removal wait for the leave to end (NetworkService.leaveEnded); a network's last container, when netavark tears
// it down, first waits for the interfaces of those leaving (NetworkService.leftFrom).
import { hasPorts } from './endpoint-setup.js';
import { removeNetns } from './host-net.js';
import { removeNetworkRules } from './nat-rules.js';
import type { NetworkService } from './network-service.js';
import type { ActiveContainer } from './types.js';
import { deleteInterface } from './veth.js';

/** Whether every endpoint of `active` can go by deleting its interface. Call inside exclusive(). */
export function canLeaveDirectly(service: NetworkService, active: ActiveContainer): boolean {
  return active.endpoints.every((e) => !hasPorts(e) && service.usedByOthers(e.networkId, active.containerId));
}

/**
 * For a container that is the last on some of its networks (no published ports, none of them the default network,
 * which gives its bridge up with its last container): removes those networks' rules in one transaction each
 * (nat-rules.ts), after which its interfaces can go as any other container's, and the bridges stay for the
 * networks' next containers. Call inside exclusive(). False when netavark has to tear it down (teardownEndpoint);
 * rules already removed stay removed, which that teardown then finds.
 */
export async function clearLastRules(service: NetworkService, active: ActiveContainer): Promise<boolean> {
  if (active.endpoints.some(hasPorts)) return false;
  for (const e of active.endpoints) {
    if (service.usedByOthers(e.networkId, active.containerId)) continue;
    const n = service.store.find(e.networkId);
    if (n?.subnet === undefined || n.name === 'bridge' || !(await removeNetworkRules(n.subnet))) return false;
  }
  return true;
}

/**
 * Starts the leave of `active` (canLeaveDirectly or clearLastRules said yes); call inside a section; the returned promise
 * takes the lock again at its end, so only await it outside one. A crash in between leaves the record, which the next
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
  service.trackLeave(id, left);
  return { left };
}
