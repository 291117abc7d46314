// A container's filesystem as `docker cp` sees it: the rootfs with the container's binds, volumes and tmpfs
// mounts over it, as dockerd's private mount view does (moby daemon/containerfs_linux.go openContainerFS). berthd
// does not mount anything for this: a container path is resolved component by component, and each resolved
// prefix is looked up in the mount table, the most specific mount point winning, so `..` and symlinks behave as
// in the container and no path ever leaves the rootfs or a mount's source.
import { posix } from 'node:path';
import { EngineError } from '../errors.js';
import { resolveThrough } from '../fs/resolve-in-root.js';

/** Where one filesystem of the container is on the host. The rootfs is the mount at "/". */
export interface ViewMount {
  kind: 'rootfs' | 'bind' | 'volume' | 'tmpfs';
  /** Absolute and clean in the container. */
  destination: string;
  /** The host folder (or file) that shows at `destination`; a live tmpfs is reached through /proc/<pid>/root. */
  source: string;
  rw: boolean;
}

/**
 * The mount table of one container, most specific destination first. `offline` lists the tmpfs destinations of a
 * container that is not running: they do not exist then, paths under them resolve in the rootfs beneath (as on
 * dockerd), but nothing may be written there, since the tmpfs would hide it at the next start.
 */
export interface ContainerView {
  container: string;
  mounts: readonly ViewMount[];
  offline: readonly string[];
  readonlyRootfs: boolean;
}

/** A container path after symlinks: `path` in the container, `host` on the host, `mount` the one holding it. */
export interface ViewPath {
  path: string;
  host: string;
  mount: ViewMount;
}

/** One entry of the container's mounts in inspect's shape; a tmpfs has no Source. */
export interface MountInfo {
  Type: string;
  Source?: string;
  Destination: string;
  RW: boolean;
}

/** What viewOf needs to know of a container: its rootfs, its mounts and, while it runs, its pid. */
export interface ViewInput {
  container: string;
  rootfs: string;
  /** Destinations already resolved in the rootfs, as the runtime resolved them when it mounted them. */
  mounts: readonly MountInfo[];
  readonlyRootfs: boolean;
  /** The pid of the container's process while it runs, else 0. */
  pid: number;
}

/** The mount table of a container (pure). */
export function viewOf(input: ViewInput): ContainerView {
  const mounts: ViewMount[] = [{ kind: 'rootfs', destination: '/', source: input.rootfs, rw: true }];
  const offline: string[] = [];
  for (const m of input.mounts) {
    const destination = cleanPath(m.Destination);
    if (destination === '/') continue;
    if (m.Type === 'tmpfs' && input.pid <= 0) offline.push(destination);
    else if (m.Type === 'tmpfs') {
      mounts.push({ kind: 'tmpfs', destination, source: `/proc/${input.pid}/root${destination}`, rw: m.RW });
    } else if ((m.Type === 'bind' || m.Type === 'volume') && m.Source !== undefined) {
      mounts.push({ kind: m.Type, destination, source: m.Source, rw: m.RW });
    }
  }
  mounts.sort((a, b) => b.destination.length - a.destination.length);
  return { container: input.container, mounts, offline, readonlyRootfs: input.readonlyRootfs };
}

/** HostConfig.Tmpfs ({destination: options}) as mounts: read-only with an "ro" option (pure). */
export function tmpfsMountsOf(tmpfs: unknown): MountInfo[] {
  if (tmpfs === null || typeof tmpfs !== 'object') return [];
  return Object.entries(tmpfs as Record<string, unknown>).map(([destination, options]) => ({
    Type: 'tmpfs',
    Destination: destination,
    RW: !String(options).split(',').includes('ro'),
  }));
}

/** The mount that holds `path` (absolute, clean, symlinks resolved): the most specific mount point (pure). */
export function mountAt(view: ContainerView, path: string): ViewMount {
  const found = view.mounts.find((m) => isUnder(path, m.destination));
  return found ?? (view.mounts[view.mounts.length - 1] as ViewMount);
}

/** The host path of a container path whose symlinks are resolved already (pure). */
export function hostOf(view: ContainerView, path: string): ViewPath {
  const mount = mountAt(view, path);
  const rest = mount.destination === '/' ? path : path.slice(mount.destination.length);
  return { path, host: rest === '/' || rest === '' ? mount.source : posix.join(mount.source, rest), mount };
}

/**
 * Resolves `path` (absolute in the container) as the container would, through its mounts: `..` stops at "/",
 * symlinks are read where they are (rootfs or mount source) and followed in the container. The last component's
 * symlink is followed only with `followLast`.
 */
export async function resolveInView(view: ContainerView, path: string, followLast: boolean): Promise<ViewPath> {
  return hostOf(view, await resolveThrough(path, followLast, (p) => hostOf(view, p).host));
}

/**
 * Refuses a write at `path` (resolved) with dockerd's messages (moby daemon/archive_unix.go
 * checkIfPathIsInAVolume): a read-only mount, else a read-only rootfs. A tmpfs of a stopped container is refused
 * too: dockerd writes under it and says nothing, and the next start hides the files.
 */
export function checkWritable(view: ContainerView, path: string): void {
  const offline = view.offline.find((d) => isUnder(path, d));
  const mount = mountAt(view, path);
  if (offline !== undefined && offline.length > mount.destination.length) {
    throw new EngineError(
      'invalid',
      'ENGINE_TMPFS_OFFLINE',
      `cannot copy to "${path}": it is on the tmpfs "${offline}", which exists only while container ${view.container} runs`,
      { hint: 'start the container first; a tmpfs keeps nothing across restarts' },
    );
  }
  if (mount.kind !== 'rootfs' && !mount.rw) {
    throw new EngineError('invalid', 'ENGINE_MOUNT_READONLY', 'mounted volume is marked read-only', {
      hint: `"${mount.destination}" is mounted read-only in container ${view.container}`,
    });
  }
  if (mount.kind === 'rootfs' && view.readonlyRootfs) {
    throw new EngineError('invalid', 'ENGINE_ROOTFS_READONLY', 'container rootfs is marked read-only', {
      hint: 'copy into a writable mount of the container, or recreate it without --read-only',
    });
  }
}

function isUnder(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

function cleanPath(path: string): string {
  return posix.normalize(`/${path}`).replace(/(.)\/+$/, '$1');
}
