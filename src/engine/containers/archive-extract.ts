// `docker cp` into a container: a tar extracted into a folder of the container's view (container-view.ts), all or
// nothing for what the archive says. The whole archive is first written to a staging folder inside the target
// (so on its filesystem) while each entry is checked against the destination: a name climbing out, a write
// through a symlink, into a read-only mount, over a folder with noOverwriteDirNonDir, or a truncated tar refuses
// the request before anything in the container changed. Only then are the staged entries renamed into place,
// through the mounts (a copy where a mount puts them on another filesystem); folders get their metadata last.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { chmod, copyFile, lchown, link, lstat, lutimes, mkdir, open, readdir, readlink } from 'node:fs/promises';
import { rename, rm, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import { writeAll } from '../fs/atomic-write.js';
import { EngineError } from '../errors.js';
import { clearPath, lstatOrNull } from '../fs/path-entry.js';
import type { ContainerView, ViewPath } from './container-view.js';
import { checkWritable, hostOf } from './container-view.js';

/** `owner`: every entry gets this uid:gid instead of the archive's (copyUIDGID with a container User). */
export interface ExtractOptions {
  noOverwriteDirNonDir: boolean;
  owner?: { uid: number; gid: number };
}

interface Extraction extends ExtractOptions {
  view: ContainerView;
  target: ViewPath;
  stage: string;
  /** Folder entries of the archive (relative paths) with their headers: their metadata is applied last. */
  dirs: Map<string, Header>;
}

type Entry = AsyncIterable<Buffer> & { header: Header };

const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Extracts a plain tar into the folder `target` (resolved in `view`, checked writable by the caller). A refused
 * entry fails with invalid ENGINE_ARCHIVE_UNSAFE / ENGINE_ARCHIVE_OVERWRITE / ENGINE_MOUNT_READONLY, a broken tar
 * with ENGINE_ARCHIVE_INVALID, and in both cases the container's files are as they were.
 */
export async function extractInto(
  source: Readable,
  view: ContainerView,
  target: ViewPath,
  opts: ExtractOptions,
): Promise<void> {
  const stage = join(target.host, `.berth-cp-${randomBytes(6).toString('hex')}`);
  await mkdir(stage, { mode: 0o700 });
  const x: Extraction = { ...opts, view, target, stage, dirs: new Map() };
  try {
    await stageArchive(source, x);
    await mergeInto(x, stage, target.path);
    await applyFolderMetadata(x);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function stageArchive(source: Readable, x: Extraction): Promise<void> {
  const extract = tar.extract();
  source.on('error', (e) => extract.destroy(e));
  source.pipe(extract);
  try {
    for await (const raw of extract) {
      const entry = raw as unknown as Entry;
      await stageEntry(entry, x);
      for await (const _chunk of entry); // what was not read
    }
  } catch (e) {
    source.unpipe(extract);
    source.resume();
    if (e instanceof EngineError || (e as NodeJS.ErrnoException).syscall !== undefined) throw e;
    throw new EngineError('invalid', 'ENGINE_ARCHIVE_INVALID', `not a valid tar archive: ${String(e)}`, { cause: e });
  }
}

async function stageEntry(entry: Entry, x: Extraction): Promise<void> {
  const h = entry.header;
  const rel = relativeEntry(h.name, h.name);
  if (rel === '') return; // the target folder itself keeps its metadata
  const type = h.type ?? 'file';
  await checkDestination(x, rel, type === 'directory', h.name);
  const path = await realParents(x.stage, rel, h.name);
  const existing = await lstatOrNull(path);
  if (type === 'directory') {
    if (existing?.isDirectory() !== true) {
      await clearPath(path, false);
      await mkdir(path, { mode: 0o755 });
    }
    x.dirs.set(rel, h);
    return;
  }
  // A non-folder replaces what the archive put there before, folders included.
  for (const d of x.dirs.keys()) if (d === rel || d.startsWith(`${rel}/`)) x.dirs.delete(d);
  await clearPath(path, false);
  if (type === 'file' || type === 'contiguous-file') {
    const handle = await open(path, WRITE_NEW, 0o600);
    try {
      for await (const chunk of entry) await writeAll(handle, chunk);
    } finally {
      await handle.close();
    }
    await lchown(path, x.owner?.uid ?? h.uid ?? 0, x.owner?.gid ?? h.gid ?? 0);
    await chmod(path, (h.mode ?? 0o644) & 0o7777);
  } else if (type === 'symlink') {
    await symlink(h.linkname ?? '', path);
    await lchown(path, x.owner?.uid ?? h.uid ?? 0, x.owner?.gid ?? h.gid ?? 0);
  } else if (type === 'link') {
    // A hard link names an earlier file of the same archive, which is in the stage, reached without a symlink.
    const from = await stagedFile(x.stage, relativeEntry(h.name, h.linkname ?? ''));
    if (from === undefined) throw unsafe(h.name, `is a hard link to "${h.linkname}", not a file in the archive`);
    await link(from, path);
    return;
  } else {
    throw new EngineError(
      'invalid',
      'ENGINE_ARCHIVE_INVALID',
      `archive entry "${h.name}" has the unsupported type "${type}"`,
    );
  }
  const mtime = h.mtime ?? new Date();
  await lutimes(path, mtime, mtime);
}

/**
 * What the entry would do to the container, checked before anything is written: its parents there must be
 * folders (or folders of this archive), never symlinks; it must not land on a read-only mount; with
 * noOverwriteDirNonDir it must not swap a folder for a non-folder or the reverse.
 */
async function checkDestination(x: Extraction, rel: string, isDir: boolean, name: string): Promise<void> {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (x.dirs.has(prefix)) continue;
    const st = await lstatOrNull(hostOf(x.view, posix.join(x.target.path, prefix)).host);
    if (st === null || st.isDirectory()) continue;
    if (st.isSymbolicLink()) throw unsafe(name, `would be written through the symbolic link "${prefix}"`);
    throw unsafe(name, `has a parent "${prefix}" that is not a folder`);
  }
  const dest = hostOf(x.view, posix.join(x.target.path, rel));
  checkWritable(x.view, dest.path);
  const existing = await lstatOrNull(dest.host);
  // dockerd fails there too (EBUSY removing a mount point); replacing its source would change the host.
  if (dest.mount.destination === dest.path && !(isDir && existing?.isDirectory() === true)) {
    throw new EngineError(
      'invalid',
      'ENGINE_ARCHIVE_MOUNT_POINT',
      `cannot replace "${dest.path}": it is a mount point`,
      {
        hint: 'copy into the folder mounted there, or change the file on the host',
      },
    );
  }
  if (existing !== null && x.noOverwriteDirNonDir && existing.isDirectory() !== isDir) {
    throw new EngineError(
      'invalid',
      'ENGINE_ARCHIVE_OVERWRITE',
      `cannot overwrite "${name}": directory with non-directory or the reverse`,
    );
  }
}

/** Moves what is staged in `staged` to the container folder `path`, merging folders that exist there. */
async function mergeInto(x: Extraction, staged: string, path: string): Promise<void> {
  for (const child of (await readdir(staged)).sort()) {
    const from = join(staged, child);
    const to = hostOf(x.view, posix.join(path, child));
    if (to.host === x.stage) continue;
    const st = await lstat(from);
    const existing = await lstatOrNull(to.host);
    if (st.isDirectory() && existing?.isDirectory() === true) {
      await mergeInto(x, from, to.path);
      continue;
    }
    if (existing !== null && (st.isDirectory() || existing.isDirectory())) await clearPath(to.host, false);
    await move(from, to.host, st);
  }
}

/** rename(2), or a copy where a mount puts `to` on another filesystem (hard links are then copies). */
async function move(from: string, to: string, st: Stats): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
  }
  await clearPath(to, false);
  if (st.isDirectory()) {
    await mkdir(to, { mode: 0o700 });
    for (const child of await readdir(from))
      await move(join(from, child), join(to, child), await lstat(join(from, child)));
    await chmod(to, st.mode & 0o7777);
  } else if (st.isSymbolicLink()) {
    await symlink(await readlink(from), to);
  } else {
    await copyFile(from, to, constants.COPYFILE_EXCL);
    await chmod(to, st.mode & 0o7777);
  }
  await lchown(to, st.uid, st.gid);
  await lutimes(to, st.atime, st.mtime);
}

/** Owner, mode and time of the archive's folders, deepest first, once their contents are in place. */
async function applyFolderMetadata(x: Extraction): Promise<void> {
  const dirs = [...x.dirs.entries()].sort(([a], [b]) => b.split('/').length - a.split('/').length);
  for (const [rel, h] of dirs) {
    const at = hostOf(x.view, posix.join(x.target.path, rel)).host;
    if ((await lstatOrNull(at))?.isDirectory() !== true) continue;
    await lchown(at, x.owner?.uid ?? h.uid ?? 0, x.owner?.gid ?? h.gid ?? 0);
    await chmod(at, (h.mode ?? 0o755) & 0o7777);
    const mtime = h.mtime ?? new Date();
    await lutimes(at, mtime, mtime);
  }
}

function unsafe(name: string, why: string): EngineError {
  return new EngineError('invalid', 'ENGINE_ARCHIVE_UNSAFE', `archive entry "${name}" ${why}`, {
    hint: 'docker cp only writes inside the destination folder',
  });
}

/** An entry name relative to the target, normalized; absolute names and names climbing out are refused. */
function relativeEntry(name: string, path: string): string {
  if (path.startsWith('/')) throw unsafe(name, 'has an absolute path');
  const normal = posix.normalize(path === '' ? '.' : path).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) throw unsafe(name, 'escapes the destination');
  return normal === '.' ? '' : normal;
}

/** The staged regular file at `rel`, if every parent on the way is a real folder (no symlink). */
async function stagedFile(stage: string, rel: string): Promise<string | undefined> {
  let current = stage;
  const parts = rel.split('/');
  for (const [i, part] of parts.entries()) {
    current = join(current, part);
    const st = await lstatOrNull(current);
    if (st === null || !(i === parts.length - 1 ? st.isFile() : st.isDirectory())) return undefined;
  }
  return current;
}

/** Creates missing parent folders of `rel` in the stage; a parent that is a symlink or not a folder is refused. */
async function realParents(root: string, rel: string, name: string): Promise<string> {
  let current = root;
  for (const part of rel.split('/').slice(0, -1)) {
    current = join(current, part);
    const st = await lstatOrNull(current);
    if (st === null) await mkdir(current, { mode: 0o755 });
    else if (st.isSymbolicLink()) throw unsafe(name, `would be written through the symbolic link "${part}"`);
    else if (!st.isDirectory()) throw unsafe(name, `has a parent "${part}" that is not a folder`);
  }
  return join(root, rel);
}
