// Docker's DELETE /containers/{id} after its checks, and what an exit and a removal both let go of: the runc
// state, the rootfs and /dev/shm mounts, and the network endpoints.
import { setTimeout as delay, setImmediate as nextTurn } from 'node:timers/promises';
import { EngineError } from '../errors.js';
import { unmountGrouped } from '../runtime/overlay.js';
import type { ContainerRecord } from './container-store.js';
import { labelsOf } from './container-labels.js';
import { signalContainer } from './container-signal.js';
import type { Lifecycle } from './lifecycle.js';
import { shmDir } from './start-bundle.js';

/**
 * The rootfs and /dev/shm unmounts that exits started, by container id. An exit does not wait for them (an `umount`
 * process, ~5 ms, on every stop of a chain's `down`): what uses the rootfs again waits here first, the container's
 * next start, its removal and a copy out of it; so does berthd's stop. A crash before they ran leaves mounts that
 * berthd's start unmounts (exits.ts).
 */
export class PendingUnmounts {
  private readonly pending = new Map<string, Promise<void>>();

  track(id: string, unmounts: Promise<void>): void {
    const all = Promise.all([this.pending.get(id), unmounts]).then(() => {
      if (this.pending.get(id) === all) this.pending.delete(id);
    });
    this.pending.set(id, all);
  }

  /** Resolves once the unmounts of container `id`, or with no id all of them, have ended. */
  async done(id?: string): Promise<void> {
    await (id === undefined ? Promise.all(this.pending.values()) : this.pending.get(id));
  }
}

/**
 * Lets go of what a process that ended held. `decided` resolves once its network is let go as clients see it (the
 * leave decided, its processes started a turn later: networks/leave.ts); the rest then resolves once its runc state
 * is removed, with its rootfs and /dev/shm unmounting after (PendingUnmounts). An exit tells its waiters in
 * between, so that a stop's answer waits for neither the state's removal nor the processes' start (fork of a
 * large process costs ~1.4 ms of berthd's event loop each).
 */
export function releaseProcess(
  lifecycle: Lifecycle,
  c: ContainerRecord,
): { decided: Promise<void>; all: Promise<void> } {
  const { runc, log } = lifecycle.deps;
  const decided = lifecycle.networks.disconnect(c).catch((e: unknown) => log(`disconnect ${c.id}: ${String(e)}`));
  const all = decided.then(async () => {
    await nextTurn(); // after the I/O of this turn: the exit's answer, written now, goes out first
    lifecycle.unmounts.track(
      c.id,
      unmountGrouped([lifecycle.paths(c).rootfs, shmDir(lifecycle, c.id)]).catch(() => undefined),
    );
    await runc.release(c.id).catch((e: unknown) => log(`releasing ${c.id}: ${String(e)}`));
  });
  return { decided, all };
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
  await lifecycle.unmounts.done(c.id); // the exit's unmounts first, so that the release below finds them done
  await releaseProcess(lifecycle, c).all;
  await lifecycle.unmounts.done(c.id);
  await lifecycle.networks.remove(c);
  await lifecycle.volumes.remove(c, { volumes: opts.volumes === true });
  const folder = store.remove(c.id).catch((e: unknown) => log(`removing ${c.id}: ${String(e)}`));
  deleting.add(folder);
  void folder.finally(() => deleting.delete(folder));
  lifecycle.hooks.removed(c);
  events.emit('container', 'destroy', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
}
