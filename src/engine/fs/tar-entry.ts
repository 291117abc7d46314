// One tar entry written in place, whatever its type, one at a time. Creation never follows or reuses what is
// already at the path: files, links and folders are made exclusively, and only when that fails with EEXIST is
// the old entry removed (a symlink itself, never its target) and the creation tried once more.
import { createHash } from 'node:crypto';
import { chmodSync, constants, lchownSync, lutimesSync } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, open, symlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Header } from 'tar-stream';
import { writeAll } from './atomic-write.js';
import { clearPath, lstatOrNull } from './path-entry.js';
import { makeNode } from './special-files.js';
import type { TarTarget, WrittenFile } from './tar-writer.js';

export type Entry = AsyncIterable<Buffer> & { header: Header };

/**
 * The state of one extraction. `folders`: folder entries, whose metadata is set last. `files`: when hashing,
 * what each regular file (or hard link to one) present now holds; an entry that replaces a path drops it and
 * everything below it.
 */
export interface Extraction {
  target: TarTarget;
  folders: Map<string, Header>;
  files?: Map<string, WrittenFile>;
}

export const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Writes `entry` at `rel` (already checked by entryRel): parents made by the target, the entry, its metadata. */
export async function writeEntry(entry: Entry, rel: string, x: Extraction): Promise<void> {
  const { header } = entry;
  const { target } = x;
  const type: string = header.type ?? 'file';
  const path = await target.place(rel, header.name);
  if (type === 'directory') {
    await makeFolder(rel, path, x);
    x.folders.set(path, header);
    return;
  }
  if (rel === '') throw target.refuse(header.name, 'names the destination itself but is not a folder');
  if (type === 'link') return writeHardLink(header, rel, path, x);
  if (type === 'file' || type === 'contiguous-file') {
    const file = await replacing(rel, path, x, () => writeBody(entry, path, x.files !== undefined));
    await setMetadata(path, header, target);
    x.files?.set(rel, { ...file, mode: modeOf(header) });
    return;
  }
  if (type === 'symlink') {
    await replacing(rel, path, x, () => symlink(header.linkname ?? '', path));
    const { uid, gid } = target.owner(header);
    await lchown(path, uid, gid);
    const mtime = header.mtime ?? new Date(0);
    return lutimes(path, mtime, mtime);
  }
  if (type === 'fifo' || ((type === 'character-device' || type === 'block-device') && target.devices)) {
    await forget(rel, path, x); // mknod(1) reports an existing path in words, not as EEXIST
    if (type === 'fifo') await makeNode(path, { type: 'p' });
    else {
      const kind = type === 'character-device' ? 'c' : 'b';
      await makeNode(path, { type: kind, major: header.devmajor ?? 0, minor: header.devminor ?? 0 });
    }
    return setMetadata(path, header, target);
  }
  throw target.refuse(header.name, `has the unsupported type "${type}"`);
}

async function writeHardLink(header: Header, rel: string, path: string, x: Extraction): Promise<void> {
  const { target } = x;
  const fromRel = entryRel(header.linkname ?? '', target);
  const from = await target.linkTarget(fromRel, header.name);
  const stat = await lstatOrNull(from);
  if (stat === null || stat.isDirectory()) {
    throw target.refuse(header.name, `is a hard link to "${header.linkname}", which is not an extracted file`);
  }
  if (from === path) return;
  await replacing(rel, path, x, () => link(from, path));
  const file = x.files?.get(fromRel);
  if (file !== undefined) x.files?.set(rel, file); // the same inode: the same bytes and mode
}

/** Runs `create`; when something is already at `path`, removes it and runs `create` once more. */
async function replacing<T>(rel: string, path: string, x: Extraction, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  await forget(rel, path, x);
  return create();
}

/** A folder entry: an existing folder is kept (its metadata is set at the end), anything else replaced. */
async function makeFolder(rel: string, path: string, x: Extraction): Promise<void> {
  try {
    await mkdir(path, { mode: 0o700 });
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if ((await lstatOrNull(path))?.isDirectory() === true) return;
  await forget(rel, path, x);
  await mkdir(path, { mode: 0o700 });
}

/** Removes what is at `path` and tells the target and the file map that `rel` and all below it are gone. */
export async function forget(rel: string, path: string, x: Extraction): Promise<void> {
  if (!(await clearPath(path, false))) return;
  x.target.removed?.(rel);
  if (x.files === undefined) return;
  for (const key of x.files.keys()) if (key === rel || key.startsWith(`${rel}/`)) x.files.delete(key);
}

async function writeBody(entry: Entry, path: string, hashing: boolean): Promise<Omit<WrittenFile, 'mode'>> {
  const hash = hashing ? createHash('sha256') : undefined;
  let size = 0;
  const handle = await open(path, WRITE_NEW, 0o600);
  try {
    for await (const chunk of entry) {
      hash?.update(chunk);
      size += chunk.length;
      await writeAll(handle, chunk);
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash?.digest('hex') ?? '', size };
}

/** Owner first: chown clears setuid and setgid bits, so the mode is set after it. */
export async function setMetadata(path: string, header: Header, target: TarTarget): Promise<void> {
  const { uid, gid } = target.owner(header);
  await lchown(path, uid, gid);
  await chmod(path, modeOf(header));
  const mtime = header.mtime ?? new Date(0);
  await lutimes(path, mtime, mtime);
}

/**
 * setMetadata in three blocking calls, for a file just created: each takes microseconds (no data is written),
 * where a call through the thread pool costs ten times that in hand-offs.
 */
export function setMetadataSync(path: string, header: Header, target: TarTarget): void {
  const { uid, gid } = target.owner(header);
  lchownSync(path, uid, gid);
  chmodSync(path, modeOf(header));
  const mtime = header.mtime ?? new Date(0);
  lutimesSync(path, mtime, mtime);
}

export function modeOf(header: Header): number {
  return (header.mode ?? (header.type === 'directory' ? 0o755 : 0o644)) & 0o7777;
}

/** The entry's path below the archive root: a leading `/` is dropped (as Docker does), `..` may not climb out. */
export function entryRel(name: string, target: Pick<TarTarget, 'refuse'>): string {
  const normal = posix.normalize(`./${name}`).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) throw target.refuse(name, 'escapes the destination with ".."');
  return normal === '.' ? '' : normal;
}
