// Writes the entries of a plain tar stream below a folder. Where each entry may go is the caller's policy
// (`TarTarget`): a build context refuses symlinked parents, ADD resolves them inside the image as a chroot would.
import { constants } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, open, symlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import { writeAll } from '../../content/file-io.js';
import { clearPath, lstatOrNull } from '../../layers/entry-path.js';
import { makeNode } from '../../layers/special-files.js';

/**
 * Where entries go. `place(rel)` returns the host path for the entry `rel` (normalized, '' for the archive
 * root), after making sure its parents exist; the last component is never followed. `linkTarget(rel)` returns
 * the host path of a hard link's target (named from the archive root), which must already exist. `owner` picks
 * the entry's owner; `refuse` builds the error for an entry that breaks the rules; `devices` allows device nodes.
 */
export interface TarTarget {
  place(rel: string, name: string): Promise<string>;
  linkTarget(rel: string, name: string): Promise<string>;
  owner(header: Header): { uid: number; gid: number };
  refuse(name: string, why: string): Error;
  devices: boolean;
}

type Entry = AsyncIterable<Buffer> & { header: Header };

const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Writes every entry of `source` (a plain tar) through `target`; folder metadata is applied last. */
export async function writeTarEntries(source: Readable, target: TarTarget): Promise<void> {
  const extract = tar.extract();
  source.on('error', (e) => extract.destroy(e));
  source.pipe(extract);
  const folders = new Map<string, Header>();
  try {
    for await (const item of extract) {
      const entry = item as unknown as Entry; // streamx readables are async-iterable; its types omit it
      await writeEntry(entry, target, folders);
      for await (const _chunk of entry); // the rest of a body we did not need
    }
  } catch (e) {
    source.destroy();
    throw e;
  }
  const deepestFirst = [...folders.entries()].sort(([a], [b]) => b.split('/').length - a.split('/').length);
  for (const [path, header] of deepestFirst) {
    if ((await lstatOrNull(path))?.isDirectory() === true) await setMetadata(path, header, target);
  }
}

/** The entry's path below the archive root: a leading `/` is dropped (as Docker does), `..` may not climb out. */
export function entryRel(name: string, target: Pick<TarTarget, 'refuse'>): string {
  const normal = posix.normalize(`./${name}`).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) throw target.refuse(name, 'escapes the destination with ".."');
  return normal === '.' ? '' : normal;
}

async function writeEntry(entry: Entry, target: TarTarget, folders: Map<string, Header>): Promise<void> {
  const header = entry.header;
  const type: string = header.type ?? 'file';
  if (type === 'pax-global-header') return;
  const rel = entryRel(header.name, target);
  const path = await target.place(rel, header.name);
  if (type === 'directory') {
    if ((await lstatOrNull(path))?.isDirectory() !== true) {
      await clearPath(path, false);
      await mkdir(path, { mode: 0o700 });
    }
    folders.set(path, header);
    return;
  }
  if (rel === '') throw target.refuse(header.name, 'names the destination itself but is not a folder');
  if (type === 'link') {
    const from = await target.linkTarget(entryRel(header.linkname ?? '', target), header.name);
    const stat = await lstatOrNull(from);
    if (stat === null || stat.isDirectory()) {
      throw target.refuse(header.name, `is a hard link to "${header.linkname}", which is not an extracted file`);
    }
    if (from === path) return;
    await clearPath(path, false);
    await link(from, path);
    return;
  }
  await clearPath(path, false);
  if (type === 'file' || type === 'contiguous-file') await writeBody(entry, path);
  else if (type === 'symlink') {
    await symlink(header.linkname ?? '', path);
    const { uid, gid } = target.owner(header);
    await lchown(path, uid, gid);
    const mtime = header.mtime ?? new Date(0);
    return lutimes(path, mtime, mtime);
  } else if (type === 'fifo') await makeNode(path, { type: 'p' });
  else if ((type === 'character-device' || type === 'block-device') && target.devices) {
    const kind = type === 'character-device' ? 'c' : 'b';
    await makeNode(path, { type: kind, major: header.devmajor ?? 0, minor: header.devminor ?? 0 });
  } else throw target.refuse(header.name, `has the unsupported type "${type}"`);
  await setMetadata(path, header, target);
}

async function writeBody(entry: Entry, path: string): Promise<void> {
  const handle = await open(path, WRITE_NEW, 0o600);
  try {
    for await (const chunk of entry) await writeAll(handle, chunk);
  } finally {
    await handle.close();
  }
}

/** Owner first: chown clears setuid and setgid bits, so the mode is set after it. */
async function setMetadata(path: string, header: Header, target: TarTarget): Promise<void> {
  const { uid, gid } = target.owner(header);
  await lchown(path, uid, gid);
  await chmod(path, (header.mode ?? (header.type === 'directory' ? 0o755 : 0o644)) & 0o7777);
  const mtime = header.mtime ?? new Date(0);
  await lutimes(path, mtime, mtime);
}
