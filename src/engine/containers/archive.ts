// `docker cp` out of a container: stat a path and pack it as a tar. Paths are resolved through the container's
// view (container-view.ts: rootfs plus binds, volumes and tmpfs), each component by hand, so no symlink leads to
// the host. Extraction (the other way) is archive-extract.ts.
import { constants, existsSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Pack } from 'tar-stream';
import { EngineError } from '../errors.js';
import { lstatOrNull } from '../fs/path-entry.js';
import { isMounted, mountOverlay } from '../runtime/overlay.js';
import type { ContainerRecord } from './container-store.js';
import type { ContainerView, MountInfo, ViewPath } from './container-view.js';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import { hostOf, resolveInView, tmpfsMountsOf, viewOf } from './container-view.js';
import type { Lifecycle } from './lifecycle.js';

/** Docker's X-Docker-Container-Path-Stat: `mode` in Go os.FileMode bits, `linkTarget` a path in the container. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

type EntryHeader = Parameters<Pack['entry']>[0];

const READ = constants.O_RDONLY | constants.O_NOFOLLOW;

/** The container's rootfs, mounted first when the container is stopped (it stays mounted until removal). */
export async function mountedRootfs(lifecycle: Lifecycle, c: ContainerRecord): Promise<string> {
  const p = lifecycle.paths(c);
  await lifecycle.unmounts.done(c.id); // an exit's unmount still going would take the mount found below away
  if (!(await isMounted(p.rootfs))) {
    await mountOverlay({ lowerdirs: p.lowerdirs, upperdir: p.upper, workdir: p.work, target: p.rootfs });
  }
  return p.rootfs;
}

/** A container's view for one docker cp request; `release` unmounts the device volumes opened for it. */
export interface OpenedView {
  view: ContainerView;
  release(): Promise<void>;
}

/**
 * The container's filesystem as docker cp sees it: its rootfs (mounted if need be) with its binds, volumes, the
 * /etc files berthd writes and, while it runs, its tmpfs mounts. `ref` is the name the client used, for messages. The caller must `release`.
 */
export async function openView(lifecycle: Lifecycle, c: ContainerRecord, ref: string): Promise<OpenedView> {
  const rootfs = await mountedRootfs(lifecycle, c);
  const pid = c.state.Running && c.state.Pid > 0 ? c.state.Pid : 0;
  const p = lifecycle.paths(c);
  // The files berthd binds over /etc once the container has started; a user mount there comes first and wins.
  const etcMounts: MountInfo[] = [];
  for (const [destination, source] of [
    ['/etc/hosts', p.hostsPath],
    ['/etc/hostname', p.hostnamePath],
    ['/etc/resolv.conf', p.resolvConfPath],
  ] as const) {
    if (existsSync(source)) etcMounts.push({ Type: 'bind', Source: source, Destination: destination, RW: true });
  }
  const opened = await lifecycle.volumes.openMounts(c);
  try {
    const mounts: MountInfo[] = [];
    for (const m of [...(opened.mounts as MountInfo[]), ...tmpfsMountsOf(c.hostConfig.Tmpfs), ...etcMounts]) {
      // The runtime mounted at the destination as resolved in the rootfs (a symlinked parent followed).
      const destination = (await resolveInRoot(rootfs, m.Destination, true)).path;
      // A tmpfs is reached through the process's root: only when no component on the way is a symlink there.
      const inProcess =
        m.Type === 'tmpfs' && pid > 0 ? await resolveInRoot(`/proc/${pid}/root`, destination, true) : undefined;
      if (inProcess !== undefined && inProcess.path !== destination) continue;
      mounts.push({ ...m, Destination: destination });
    }
    const readonlyRootfs = c.hostConfig.ReadonlyRootfs === true;
    return { view: viewOf({ container: ref, rootfs, mounts, readonlyRootfs, pid }), release: opened.release };
  } catch (e) {
    await opened.release();
    throw e;
  }
}

/** Stats a container path (its last symlink not followed, as Docker does); not-found when missing. */
export async function statInView(view: ContainerView, path: string): Promise<ViewPath & { stat: PathStat }> {
  const resolved = await resolveInView(view, path, false);
  const st = await lstatOrNull(resolved.host);
  if (st === null) {
    throw new EngineError(
      'not-found',
      'ENGINE_NO_SUCH_PATH',
      `Could not find the file ${path} in container ${view.container}`,
    );
  }
  const linkTarget = st.isSymbolicLink() ? (await resolveInView(view, path, true)).path : '';
  const name = posix.basename(resolved.path) || '/';
  return {
    ...resolved,
    stat: { name, size: st.size, mode: goFileMode(st), mtime: st.mtime.toISOString(), linkTarget },
  };
}

/**
 * Writes the container path `at` (a file, folder or link) into `pack` as `name`, folders recursively and across
 * the mounts under them (as dockerd's view shows them), never following links.
 */
export async function packPath(pack: Pack, view: ContainerView, at: ViewPath, name: string): Promise<void> {
  const host = at.host;
  const st = await lstat(host);
  const header: EntryHeader = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, size: 0 };
  if (st.isDirectory()) {
    await addEntry(pack, { ...header, name: `${name}/`, type: 'directory' });
    for (const child of (await readdir(host)).sort()) {
      await packPath(pack, view, hostOf(view, posix.join(at.path, child)), `${name}/${child}`);
    }
  } else if (st.isSymbolicLink()) {
    await addEntry(pack, { ...header, type: 'symlink', linkname: await readlink(host) });
  } else if (st.isFile()) {
    const handle = await open(host, READ);
    try {
      const body = handle.createReadStream({ autoClose: false });
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ ...header, type: 'file', size: st.size }, (e) => (e ? reject(e) : resolve()));
        body.on('error', reject);
        body.pipe(entry);
      });
    } finally {
      await handle.close();
    }
  } // sockets, fifos and devices are left out, as they cannot be copied meaningfully
}

function addEntry(pack: Pack, header: EntryHeader): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (e) => (e ? reject(e) : resolve())));
}

/** Go's os.FileMode: permission bits plus type bits in the high bits (ModeDir is 1<<31). */
function goFileMode(st: Stats): number {
  let mode = st.mode & 0o777;
  if (st.mode & 0o4000) mode |= 2 ** 23;
  if (st.mode & 0o2000) mode |= 2 ** 22;
  if (st.mode & 0o1000) mode |= 2 ** 20;
  if (st.isDirectory()) mode += 2 ** 31;
  else if (st.isSymbolicLink()) mode |= 2 ** 27;
  else if (st.isFIFO()) mode |= 2 ** 25;
  else if (st.isSocket()) mode |= 2 ** 24;
  else if (st.isCharacterDevice()) mode |= (2 ** 26) | (2 ** 21);
  else if (st.isBlockDevice()) mode |= 2 ** 26;
  return mode;
}
