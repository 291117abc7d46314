// Copies files, folders, symlinks and special files from a source root into the image's rootfs, as moby's
// CopyWithTar followed by fixPermissions: contents, modes and mtimes kept, owner replaced or kept, never
// following a symlink on either side, hard links within one copy kept as hard links.
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { chmod, copyFile, lchown, link, lstat, lutimes, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { clearPath, lstatOrNull } from '../../fs/path-entry.js';
import { makeNode } from '../../fs/special-files.js';
import type { Owner } from './copy-rootfs.js';

/** How copied entries are finished: `owner` replaces theirs (undefined keeps it); `chmod` replaces the mode. */
export interface CopyOptions {
  owner: Owner | undefined;
  chmod: number | undefined;
  links: Map<string, string>; // dev:ino of a source with several links → the first copy of it
}

/** Copies the children of the folder `from` into the existing real folder `to`, recursively. */
export async function copyChildren(from: string, to: string, opts: CopyOptions): Promise<void> {
  for (const name of (await readdir(from)).sort()) {
    const source = join(from, name);
    await copyNode(source, await lstat(source), join(to, name), opts);
  }
}

/**
 * Copies one node (`stat` is its lstat, or its stat when a named symlink was followed) to `to`, whose parent is
 * a real folder. What is at `to` is replaced, except a folder copied onto a folder, which is merged into.
 */
export async function copyNode(from: string, stat: Stats, to: string, opts: CopyOptions): Promise<void> {
  if (stat.isSocket()) return; // cannot be copied meaningfully; Docker's tar leaves them out too
  const existing = await lstatOrNull(to);
  if (stat.isDirectory()) {
    if (existing?.isDirectory() !== true) {
      await clearPath(to, false);
      await mkdir(to, { mode: 0o700 });
    }
    await copyChildren(from, to, opts);
    return finish(to, stat, opts);
  }
  await clearPath(to, false);
  if (stat.isSymbolicLink()) {
    await symlink(await readlink(from), to);
    const owner = opts.owner ?? { uid: stat.uid, gid: stat.gid };
    await lchown(to, owner.uid, owner.gid);
    return lutimes(to, stat.atime, stat.mtime);
  }
  if (stat.isFile() && stat.nlink > 1) {
    const key = `${stat.dev}:${stat.ino}`;
    const first = opts.links.get(key);
    if (first !== undefined && (await lstatOrNull(first))?.isFile() === true) return link(first, to);
    opts.links.set(key, to);
  }
  if (stat.isFile()) await copyContent(from, to);
  else if (stat.isFIFO()) await makeNode(to, { type: 'p' });
  else if (stat.isCharacterDevice() || stat.isBlockDevice()) {
    const type = stat.isCharacterDevice() ? 'c' : 'b';
    const { rdev } = stat;
    await makeNode(to, { type, major: (rdev >>> 8) & 0xfff, minor: (rdev & 0xff) | ((rdev >>> 12) & 0xfff00) });
  }
  await finish(to, stat, opts);
}

/** Exclusive create: `to` was just cleared, so an existing entry (a planted symlink) fails instead of being followed. */
async function copyContent(from: string, to: string): Promise<void> {
  await copyFile(from, to, constants.COPYFILE_EXCL);
  await chmod(to, 0o600); // until finish() sets the real owner and mode
}

/** Owner first: chown clears setuid and setgid bits, so the mode is set after it; mtime last. */
async function finish(to: string, stat: Stats, opts: CopyOptions): Promise<void> {
  const owner = opts.owner ?? { uid: stat.uid, gid: stat.gid };
  await lchown(to, owner.uid, owner.gid);
  await chmod(to, opts.chmod ?? stat.mode & 0o7777);
  await lutimes(to, stat.atime, stat.mtime);
}
