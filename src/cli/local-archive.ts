// The local side of `berth cp`: files and folders of this machine packed into a tar for the engine, and a tar
// from the engine extracted here. Extraction stays inside the target folder (no absolute names, no `..`, no
// writing through a symlink of the archive) and, as the Docker CLI does, never changes owners.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, link, lstat, mkdir, readdir, readlink, realpath, rm, stat, symlink, utimes } from 'node:fs/promises';
import { dirname, join, posix, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Header, Pack } from 'tar-stream';

type Headers = Parameters<Pack['entry']>[0];
import { BerthError } from '../errors.js';

/** One path of this machine to pack, under the name it gets in the archive. */
export interface PackEntry {
  name: string;
  host: string;
}

/** A tar of `entries`, folders recursively; symlinks are kept as links, except a top one with `followTop`. */
export function packLocal(entries: readonly PackEntry[], followTop: boolean): Readable {
  const pack = tar.pack();
  (async () => {
    for (const e of entries) await addPath(pack, e.host, e.name, followTop);
    pack.finalize();
  })().catch((e: unknown) => pack.destroy(e as Error));
  return pack as unknown as Readable;
}

async function addPath(pack: Pack, host: string, name: string, follow: boolean): Promise<void> {
  const st = follow ? await stat(host) : await lstat(host);
  const header: Headers = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
  if (st.isDirectory()) {
    await entry(pack, { ...header, name: `${name}/`, type: 'directory' });
    for (const child of (await readdir(host)).sort()) await addPath(pack, join(host, child), `${name}/${child}`, false);
  } else if (st.isSymbolicLink()) {
    await entry(pack, { ...header, type: 'symlink', linkname: await readlink(host) });
  } else if (st.isFile()) {
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ ...header, type: 'file', size: st.size }, (e) => (e ? reject(e) : resolve()));
      const body = createReadStream(host);
      body.on('error', reject);
      body.pipe(sink);
    });
  } // sockets, fifos and devices cannot be copied meaningfully, as Docker also finds
}

function entry(pack: Pack, header: Headers): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (e) => (e ? reject(e) : resolve())));
}

/** A tar name without its leading "./" or "/", in clean components ("" for the root "." itself). */
export function cleanName(name: string): string {
  return posix.normalize(`/${name}`).slice(1).replace(/\/$/, '');
}

/**
 * Extracts `source` into the existing folder `dir`. `rename` maps each clean entry name to the name to write, or
 * undefined to leave the entry out (Docker's RebaseArchiveEntries, done while extracting).
 */
export async function extractLocal(
  source: NodeJS.ReadableStream,
  dir: string,
  rename: (name: string) => string | undefined,
): Promise<void> {
  const root = await realpath(dir);
  const extract = tar.extract();
  const dirTimes: Array<[string, Date]> = [];
  extract.on('entry', (header, body, next) => {
    const done = (e?: unknown): void => (e ? extract.destroy(e as Error) : next());
    const name = rename(cleanName(header.name));
    if (name === undefined || name === '') {
      body.resume();
      body.on('end', () => done());
      return;
    }
    writeEntry(root, name, header, body as unknown as Readable, rename).then(() => {
      if (header.type === 'directory' && header.mtime) dirTimes.push([join(root, name), header.mtime]);
      done();
    }, done);
  });
  await pipeline(source as Readable, extract);
  // Folders get their times last, as writing into them changed those.
  for (const [path, mtime] of dirTimes.reverse()) await utimes(path, mtime, mtime).catch(() => undefined);
}

async function writeEntry(
  root: string,
  name: string,
  header: Header,
  body: Readable,
  rename: (name: string) => string | undefined,
): Promise<void> {
  const target = join(root, name);
  const parent = await realpath(dirname(target)).catch(() => undefined);
  if (name.split('/').includes('..') || parent === undefined || relative(root, parent).startsWith('..')) {
    body.resume();
    throw new BerthError('CLI_CP_UNSAFE', `the archive entry "${header.name}" would land outside ${root}`);
  }
  const mode = (header.mode ?? 0o644) & 0o7777;
  const existing = await lstat(target).catch(() => undefined);
  if (header.type === 'directory') {
    body.resume();
    if (existing && !existing.isDirectory()) await rm(target, { force: true });
    await mkdir(target, { recursive: true });
    await chmod(target, mode);
    return;
  }
  if (existing?.isDirectory()) {
    body.resume();
    throw new BerthError('CLI_CP_DIR_NON_DIR', `cannot overwrite directory "${target}" with non-directory`);
  }
  if (existing) await rm(target, { force: true }); // also a symlink: replaced, never written through
  if (header.type === 'file' || header.type === 'contiguous-file') {
    await pipeline(body, createWriteStream(target, { mode, flags: 'wx' }));
    await chmod(target, mode);
    if (header.mtime) await utimes(target, header.mtime, header.mtime);
    return;
  }
  body.resume();
  if (header.type === 'symlink') await symlink(header.linkname ?? '', target);
  else if (header.type === 'link') {
    const to = rename(cleanName(header.linkname ?? ''));
    if (to === undefined || to.split('/').includes('..')) {
      throw new BerthError('CLI_CP_UNSAFE', `the hard link "${header.name}" points outside the copy`);
    }
    await link(join(root, to), target);
  } // devices and fifos are left out: creating them needs privileges a copy should not assume
}
