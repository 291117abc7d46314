// Resolving a path as a chroot would, by hand, one component at a time: `..` stops at the root and every symlink
// is read where it lies and followed inside the root, so no path ever leads out of it to the host. One walk
// serves a plain folder (a rootfs, a build stage) and a container's view of its mounts (container-view.ts).
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import { lstatOrNull } from './path-entry.js';

/** A path resolved on the host: `host` is inside the root; `path` is the same place seen from inside (absolute). */
export interface RootedPath {
  host: string;
  path: string;
}

/** Where an absolute, clean path inside the root is on the host (a folder joined, or a mount table looked up). */
export type HostPathOf = (path: string) => string;

/** As Linux's MAXSYMLINKS at the time moby copied it: more links than this on one path is a loop. */
const MAX_LINKS = 255;

/**
 * Resolves `path` (absolute inside the root) and returns it, absolute, clean and with its symlinks followed. The
 * last component's symlink is followed only with `followLast`. invalid ENGINE_PATH_LOOP past 255 links.
 */
export async function resolveThrough(path: string, followLast: boolean, hostPathOf: HostPathOf): Promise<string> {
  const pending = path.split('/').filter((s) => s !== '' && s !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = hostPathOf(`/${[...done, part].join('/')}`);
    const stat = await lstatOrNull(host);
    if (stat?.isSymbolicLink() && (pending.length > 0 || followLast)) {
      if (++links > MAX_LINKS)
        throw new EngineError('invalid', 'ENGINE_PATH_LOOP', `too many symbolic links in "${path}"`);
      const target = await readlink(host);
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...target.split('/').filter((s) => s !== '' && s !== '.'));
      continue;
    }
    done.push(part);
  }
  return `/${done.join('/')}`;
}

/** Resolves `path` (absolute in the container) under the folder `root` as if `root` were `/`. */
export async function resolveInRoot(root: string, path: string, followLast: boolean): Promise<RootedPath> {
  const resolved = await resolveThrough(path, followLast, (p) => join(root, p.slice(1)));
  return { host: join(root, resolved.slice(1)), path: resolved };
}
