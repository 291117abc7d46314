// Docker's DELETE /containers/{id} after its checks, and what an exit and a removal both let go of: the runc
// state, the rootfs and /dev/shm mounts, and the network endpoints.
import { setTimeout as delay } from 'node:timers/promises';
import { EngineError } from '../errors.js';
import { unmountAll } from '../runtime/overlay.js';
import type { ContainerRecord } from './container-store.js';
import { labelsOf } from './container-labels.js';
import { signalContainer } from './container-signal.js';
import type { Lifecycle } from './lifecycle.js';
import { shmDir } from './start-bundle.js';

/** Lets go of what a process that ended held: its runc state, its mounts and its network endpoints. */
export async function releaseProcess(lifecycle: Lifecycle, c: ContainerRecord): Promise<void> {
  const { runc, log } = lifecycle.deps;
  await Promise.all([
    runc.release(c.id).catch((e: unknown) => log(`releasing ${c.id}: ${String(e)}`)),
    unmountAll([lifecycle.paths(c).rootfs, shmDir(lifecycle, c.id)]).catch(() => undefined),
    lifecycle.networks.disconnect(c).catch((e: unknown) => log(`disconnect ${c.id}: ${String(e)}`)),
  ]);
}

/**
 * Removes `c` (an exit being recorded has been waited for): `force` kills a running one first. The folder is
 * deleted in the background; `deleting` holds that work until it is done.
 */
export async function removeContainer(
  lifecycle: Lifecycle,
  c: ContainerRecord,
  opts: { force?: boolean; volumes?: boolean },
  deleting: Set<Promise<void>>,
): Promise<void> {
  const { store, events, runc, log } = lifecycle.deps;
  if (c.state.Running || c.state.Restarting) {
    if (!opts.force) {
      throw new EngineError(
        'conflict',
        'ENGINE_CONTAINER_RUNNING',
        `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
      );
    }
    await lifecycle.hooks.stopping(c, 'SIGKILL');
    const exited = lifecycle.waitExit(c.id);
    await signalContainer(runc, c, 'SIGKILL').catch(() => undefined);
    // A frozen process cannot act on SIGKILL until its cgroup thaws (Docker unpauses after the kill too).
    if (c.state.Paused) await runc.resume(c.id).catch(() => undefined);
    await Promise.race([exited, delay(5000)]);
  }
  await releaseProcess(lifecycle, c);
  await lifecycle.networks.remove(c);
  await lifecycle.volumes.remove(c, { volumes: opts.volumes === true });
  const folder = store.remove(c.id).catch((e: unknown) => log(`removing ${c.id}: ${String(e)}`));
  deleting.add(folder);
  void folder.finally(() => deleting.delete(folder));
  lifecycle.hooks.removed(c);
  events.emit('container', 'destroy', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
}
