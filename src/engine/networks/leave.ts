// A container leaving its networks without holding the network lock while processes run. When each of its
// endpoints can go with its namespace (no published ports, not the default network's last container), the decision
// is made in a section of berthd's own (no host lock), the namespace is unmounted outside the lock (the kernel ends
// it, and its veth pairs with it), and the record is dropped in a section again. The exit that started the leave
// does not wait for it: a pair's end waits for the kernel (15-30 ms), so a down of many containers, or a chain of
// them, would otherwise wait for each; leaves that start side by side go together (leaveGroup). Until the record
// goes the container's addresses stay taken, but it counts as gone for every decision (NetworkService.usedByOthers)
// and for clients (network inspect, and its `disconnect` events are sent as the leave starts); its next start waits
// for the leave to end (NetworkService.leaveEnded), its network's removal does not; a network's last container,
// when netavark tears it down, first waits for the interfaces of those leaving (NetworkService.leftFrom).
import { rmSync } from 'node:fs';
import { groupRunner } from '../runtime/group-run.js';
import { unmountGrouped } from '../runtime/overlay.js';
import { hasPorts } from './endpoint-setup.js';
import type { NetworkService } from './network-service.js';
import type { ActiveContainer, ActiveEndpoint } from './types.js';
import { deleteHostLinks, deleteInterface, isOwnHostName, linksGone } from './veth.js';

/**
 * Whether every endpoint of `active` can go with its namespace: no published ports (their DNAT rules are
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
  const gone = leaveGroup({ active, log })
    .then(async (ok) => {
      // each leave waits for its own pairs only: one whose namespace something else holds delays no other
      const hostEnds = active.endpoints.flatMap((e) => (ownHostEnd(e) ? [e.hostInterface as string] : []));
      const lingering = await linksGone(hostEnds, LINGER_MS);
      for (const name of await deleteHostLinks(lingering)) log(`deleting ${name} of ${id} failed`);
      return ok;
    })
    .catch((err: unknown) => {
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

/**
 * The leaves that exits start side by side go together (group-run.ts), a turn after the exit that started the
 * first (its answer goes out first). Their namespaces are unmounted in one `umount` (with the rootfs unmounts of
 * the same exits), and with nothing left in them the kernel ends them, and their veth pairs with them, in one
 * batch: one RCU grace period for all, where `ip link del` waits one for each (20 pairs: ~50 ms against ~400 ms).
 * Each leave then ends once the host's ends of its own pairs are gone from the host (startLeave), so an address is
 * never reused while its old pair is still on the bridge; a host end still there after LINGER_MS (a namespace that
 * something else holds, as a container that joined it) is deleted by name. A pair with no host name on record
 * (netavark's) is deleted from inside its namespace first.
 */
const leaveGroup = groupRunner(
  async (leaves: readonly { active: ActiveContainer; log: (line: string) => void }[]): Promise<boolean[]> => {
    const endpoints = leaves.flatMap(({ active, log }) => active.endpoints.map((e) => ({ active, e, log })));
    await Promise.all(
      endpoints.map(async ({ active, e, log }) => {
        if (!ownHostEnd(e) && !(await deleteInterface(active.netns, e.interfaceName))) {
          log(`deleting ${e.interfaceName} of ${active.containerId} failed`);
        }
      }),
    );
    return Promise.all(
      leaves.map(async ({ active, log }) => {
        try {
          await unmountGrouped([active.netns]);
          rmSync(active.netns, { force: true });
          return true;
        } catch (err) {
          log(`leaving the networks of ${active.containerId}: ${String(err)}`);
          return false; // the record stays, naming the namespace, for the next sweep
        }
      }),
    );
  },
);

/** How long a leave waits for the kernel to end a namespace's pairs before it deletes their host ends itself. */
const LINGER_MS = 2000;

/** Whether `e` is a pair berthd made, by a host name it gave (veth.ts newHostName): only those go by name. */
function ownHostEnd(e: ActiveEndpoint): boolean {
  return e.hostInterface !== undefined && isOwnHostName(e.hostInterface);
}
