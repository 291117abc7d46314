// `docker cp`: paths in a container's root filesystem as tar archives, both ways. The rootfs is treated as a
// chroot: symlinks are resolved by hand against it, so none can lead to the host, and extraction refuses
// entries that would land outside the target folder (absolute, `..`, or through a symlink).
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, open, readdir, readlink, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Header, Pack } from 'tar-stream';
import { writeAll } from '../content/file-io.js';
import { EngineError } from '../errors.js';
import { clearPath, lstatOrNull } from '../layers/entry-path.js';
import { isMounted, mountOverlay } from '../runtime/overlay.js';
import type { ContainerRecord } from './container-store.js';
import type { Lifecycle } from './lifecycle.js';

/** Docker's X-Docker-Container-Path-Stat: `mode` in Go os.FileMode bits, `linkTarget` a path in the container. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** A container path resolved on the host: `host` is inside `root`; `path` is the same place seen from inside. */
export interface RootedPath {
  host: string;
  path: string;
}

type EntryHeader = Parameters<Pack['entry']>[0];

const MAX_LINKS = 255;
const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const READ = constants.O_RDONLY | constants.O_NOFOLLOW;

/** The container's rootfs, mounted first when the container is stopped (it stays mounted until removal). */
export async function mountedRootfs(lifecycle: Lifecycle, c: ContainerRecord): Promise<string> {
  const p = lifecycle.paths(c);
  if (!(await isMounted(p.rootfs))) {
    await mountOverlay({ lowerdirs: p.lowerdirs, upperdir: p.upper, workdir: p.work, target: p.rootfs });
  }
  return p.rootfs;
}

/**
 * Resolves `path` (absolute in the container) under `root` as if `root` were `/`: `..` stops at the root and
 * symlinks are followed against the root. The last component's symlink is followed only with `followLast`.
 */
export async function resolveInRoot(root: string, path: string, followLast: boolean): Promise<RootedPath> {
  const pending = path.split('/').filter((s) => s !== '' && s !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const stat = await lstatOrNull(join(root, ...done, part));
    if (stat?.isSymbolicLink() && (pending.length > 0 || followLast)) {
      if (++links > MAX_LINKS)
        throw new EngineError('invalid', 'ENGINE_PATH_LOOP', `too many symbolic links in "${path}"`);
      const target = await readlink(join(root, ...done, part));
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...target.split('/').filter((s) => s !== '' && s !== '.'));
      continue;
    }
    done.push(part);
  }
  return { host: join(root, ...done), path: `/${done.join('/')}` };
}

/** Stats a container path (its last symlink not followed, as Docker does); not-found when missing. */
export async function statInRoot(
  root: string,
  path: string,
  container: string,
): Promise<RootedPath & { stat: PathStat }> {
  const resolved = await resolveInRoot(root, path, false);
  const st = await lstatOrNull(resolved.host);
  if (st === null) {
    throw new EngineError(
      'not-found',
      'ENGINE_NO_SUCH_PATH',
      `Could not find the file ${path} in container ${container}`,
    );
  }
  const linkTarget = st.isSymbolicLink() ? (await resolveInRoot(root, path, true)).path : '';
  const name = posix.basename(resolved.path) || '/';
  return {
    ...resolved,
    stat: { name, size: st.size, mode: goFileMode(st), mtime: st.mtime.toISOString(), linkTarget },
  };
}

/** Writes `host` (a file, folder or link) into `pack` as `name`, folders recursively, never following links. */
export async function packPath(pack: Pack, host: string, name: string): Promise<void> {
  const st = await lstat(host);
  const header: EntryHeader = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, size: 0 };
  if (st.isDirectory()) {
    await addEntry(pack, { ...header, name: `${name}/`, type: 'directory' });
    for (const child of (await readdir(host)).sort()) await packPath(pack, join(host, child), `${name}/${child}`);
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

/**
 * Extracts a plain tar into the folder `target` (already resolved inside the rootfs). Every entry must stay in
 * `target` without passing through a symlink; a refused entry fails the whole request with invalid
 * ENGINE_ARCHIVE_UNSAFE (entries before it stay written, as with Docker). `noOverwriteDirNonDir` refuses to
 * replace a folder with a non-folder or the reverse.
 */
export async function extractInto(
  source: Readable,
  target: string,
  opts: { noOverwriteDirNonDir: boolean },
): Promise<void> {
  const extract = tar.extract();
  source.on('error', (e) => extract.destroy(e));
  source.pipe(extract);
  try {
    for await (const raw of extract) {
      const entry = raw as unknown as AsyncIterable<Buffer> & { header: Header };
      await extractEntry(entry, target, opts.noOverwriteDirNonDir);
      for await (const _chunk of entry); // what was not read
    }
  } catch (e) {
    source.unpipe(extract);
    source.resume();
    if (e instanceof EngineError || (e as NodeJS.ErrnoException).syscall !== undefined) throw e;
    throw new EngineError('invalid', 'ENGINE_ARCHIVE_INVALID', `not a valid tar archive: ${String(e)}`, { cause: e });
  }
}

async function extractEntry(
  entry: AsyncIterable<Buffer> & { header: Header },
  target: string,
  noOverwriteDirNonDir: boolean,
): Promise<void> {
  const h = entry.header;
  const rel = relativeEntry(h.name, h.name);
  if (rel === '') return; // the target folder itself keeps its metadata
  const path = await realParents(target, rel, h.name);
  const type = h.type ?? 'file';
  const existing = await lstatOrNull(path);
  if (existing !== null && noOverwriteDirNonDir && existing.isDirectory() !== (type === 'directory')) {
    throw new EngineError(
      'invalid',
      'ENGINE_ARCHIVE_OVERWRITE',
      `cannot overwrite "${h.name}": directory with non-directory or the reverse`,
    );
  }
  if (type === 'directory') {
    if (existing?.isDirectory() !== true) {
      await clearPath(path, false);
      await mkdir(path, { mode: 0o755 });
    }
  } else {
    await clearPath(path, false);
    if (type === 'file' || type === 'contiguous-file') {
      const handle = await open(path, WRITE_NEW, 0o600);
      try {
        for await (const chunk of entry) await writeAll(handle, chunk);
      } finally {
        await handle.close();
      }
    } else if (type === 'symlink') {
      await symlink(h.linkname ?? '', path);
      await lchown(path, h.uid ?? 0, h.gid ?? 0);
      return;
    } else if (type === 'link') {
      const from = await realParents(target, relativeEntry(h.name, h.linkname ?? ''), h.name);
      if ((await lstatOrNull(from))?.isFile() !== true)
        throw unsafe(h.name, `is a hard link to "${h.linkname}", not a file in the archive`);
      await link(from, path);
      return;
    } else {
      throw new EngineError(
        'invalid',
        'ENGINE_ARCHIVE_INVALID',
        `archive entry "${h.name}" has the unsupported type "${type}"`,
      );
    }
  }
  await lchown(path, h.uid ?? 0, h.gid ?? 0);
  await chmod(path, (h.mode ?? (type === 'directory' ? 0o755 : 0o644)) & 0o7777);
  const mtime = h.mtime ?? new Date();
  await lutimes(path, mtime, mtime);
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

/** Creates missing parent folders of `rel` under `root`; a parent that is a symlink or not a folder is refused. */
async function realParents(root: string, rel: string, name: string): Promise<string> {
  const parts = rel.split('/');
  let current = root;
  for (const part of parts.slice(0, -1)) {
    current = join(current, part);
    const st = await lstatOrNull(current);
    if (st === null) await mkdir(current, { mode: 0o755 });
    else if (st.isSymbolicLink()) throw unsafe(name, `would be written through the symbolic link "${part}"`);
    else if (!st.isDirectory()) throw unsafe(name, `has a parent "${part}" that is not a folder`);
  }
  return join(root, rel);
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
