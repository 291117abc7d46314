// A container's root filesystem as an overlay mount: image layers below, the container's own writable layer on
// top. Mounting goes through util-linux `mount`, as Node has no mount(2).
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { EngineError } from '../errors.js';
import { groupRunner } from './group-run.js';
import { runTool } from './run-tool.js';

/**
 * `lowerdirs` are topmost first, as overlayfs's lowerdir= option wants (for image layers: the last layer of
 * the image first, the base layer last). `upperdir` and `workdir` must be on the same file system, and not
 * themselves on an overlay. All paths absolute, none containing ',' or ':'.
 */
export interface OverlayOptions {
  lowerdirs: readonly string[];
  upperdir: string;
  workdir: string;
  target: string;
}

// mount(2) copies at most one page of option data; longer strings are cut off by the kernel.
const MAX_MOUNT_DATA = 4095;

/**
 * Mounts the overlay at `target` (created if missing). When the option string would exceed a page, the paths
 * are made relative to their common parent and `mount` runs there (moby's overlay2 does the same); if even
 * that is too long, ENGINE_OVERLAY_TOO_LONG. A failing mount is ENGINE_MOUNT_FAILED with mount's message.
 */
export async function mountOverlay(opts: OverlayOptions): Promise<void> {
  const paths = [...opts.lowerdirs, opts.upperdir, opts.workdir, opts.target];
  if (opts.lowerdirs.length === 0) invalid('an overlay needs at least one lower directory');
  for (const p of paths) {
    if (!p.startsWith('/')) invalid(`overlay path "${p}" is not absolute`);
    if (/[,:]/.test(p)) invalid(`overlay path "${p}" contains ',' or ':', which mount options cannot carry`);
  }
  await mkdir(opts.target, { recursive: true });
  // index=off: with the index on, overlayfs refuses a lower layer that another mount uses with another upper.
  const extra = existsSync('/sys/module/overlay/parameters/index') ? ',index=off' : '';
  const data = (rel: (p: string) => string): string =>
    `lowerdir=${opts.lowerdirs.map(rel).join(':')},upperdir=${rel(opts.upperdir)},workdir=${rel(opts.workdir)}${extra}`;
  let cwd: string | undefined;
  let options = data((p) => p);
  if (options.length > MAX_MOUNT_DATA) {
    const base = commonParent([...opts.lowerdirs, opts.upperdir, opts.workdir]);
    cwd = base;
    options = data((p) => relative(base, p) || '.');
    if (options.length > MAX_MOUNT_DATA) {
      throw new EngineError(
        'invalid',
        'ENGINE_OVERLAY_TOO_LONG',
        `overlay options for ${opts.lowerdirs.length} layers exceed ${MAX_MOUNT_DATA} bytes`,
        {
          hint: 'use an image with fewer layers, or keep layer directories under a short common path',
        },
      );
    }
  }
  const r = await runTool('mount', ['-t', 'overlay', 'overlay', '-o', options, opts.target], { cwd });
  if (r.code !== 0) {
    throw new EngineError(
      'internal',
      'ENGINE_MOUNT_FAILED',
      `mounting the overlay at "${opts.target}" failed: ${r.stderr.trim()}`,
    );
  }
}

/** Unmounts `target`; does nothing when it is not a mount point. A busy mount is detached lazily (umount -l). */
export async function unmount(target: string): Promise<void> {
  await unmountAll([target]);
}

/**
 * Unmounts each of `targets` that is a mount point, with one `umount` process for all of them (a container's
 * rootfs and /dev/shm go together); what that leaves mounted is detached lazily (umount -l), all of it in one more
 * process, so that one mount that cannot go does not keep the others (of a group: unmountGrouped) mounted.
 */
export async function unmountAll(targets: readonly string[]): Promise<void> {
  const mounted = await mountedOf(targets);
  if (mounted.length === 0) return;
  const r = await runTool('umount', mounted);
  if (r.code === 0) return;
  const left = await mountedOf(mounted);
  if (left.length === 0) return;
  const lazy = await runTool('umount', ['-l', ...left]);
  const [stuck] = lazy.code === 0 ? [] : await mountedOf(left);
  if (stuck !== undefined) {
    throw new EngineError(
      'internal',
      'ENGINE_UNMOUNT_FAILED',
      `unmounting "${stuck}" failed: ${lazy.stderr.trim() || r.stderr.trim()}`,
    );
  }
}

/**
 * As unmountAll, in the `umount` of a group (group-run.ts): the unmounts that exits ask for side by side (each
 * container's rootfs and /dev/shm, and its network namespace) go in one process. Rejects when one of `targets` is
 * still mounted after it; the others of the group are not held back by that.
 */
export async function unmountGrouped(targets: readonly string[]): Promise<void> {
  const error = await unmountGroup(targets);
  if (error) throw error;
}

const unmountGroup = groupRunner(async (groups: readonly (readonly string[])[]): Promise<(Error | undefined)[]> => {
  const all = groups.flat();
  const failure = await unmountAll(all).then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  if (!failure) return groups.map(() => undefined);
  return Promise.all(groups.map(async (g) => ((await mountedOf(g)).length > 0 ? failure : undefined)));
});

/** Those of `targets` that are mount points (symlinks resolved), by one read of the mount table. */
async function mountedOf(targets: readonly string[]): Promise<string[]> {
  const points = new Set(await mountPoints());
  const resolved = await Promise.all(targets.map((t) => realpath(t).catch(() => resolve(t))));
  return resolved.filter((p) => points.has(p));
}

/** Every mount point of this process's namespace, by /proc/self/mountinfo. */
export async function mountPoints(): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').flatMap((line) => {
    const point = line.split(' ')[4];
    return point === undefined ? [] : [unescapeMountPath(point)];
  });
}

/** Whether `target` is a mount point (symlinks in `target` are resolved first). */
export async function isMounted(target: string): Promise<boolean> {
  return (await mountedOf([target])).length > 0;
}

/** Whether anything is mounted at `path` or below it, so that deleting or moving it would reach further. */
export async function hasMountsUnder(path: string): Promise<boolean> {
  return (await mountPoints()).some((p) => p === path || p.startsWith(`${path}/`));
}

// mountinfo escapes space, tab, newline and backslash as \ooo octal.
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

function commonParent(paths: readonly string[]): string {
  let base = dirname(paths[0] ?? '/');
  while (!paths.every((p) => p === base || p.startsWith(base === sep ? base : base + sep))) base = dirname(base);
  return base;
}

function invalid(message: string): never {
  throw new EngineError('invalid', 'ENGINE_INVALID_OVERLAY', message);
}
