// The build context as `docker build` sends it: an uncompressed tar of the context folder with .dockerignore
// applied (docker/cli's build command and moby's archive.TarWithOptions), ready to POST to /build.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { open, readFile, readlink } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Pack } from 'tar-stream';
import { BerthError } from '../errors.js';
import { compileIgnore, parseDockerignore } from '../shared/dockerignore.js';
import { type ContextFile, listContextFiles } from './context-files.js';

/** Where the Dockerfile comes from: a path (relative to the context folder, or absolute) or inline text. */
export interface BuildContextOptions {
  dockerfile?: string; // default 'Dockerfile'
  dockerfileInline?: string; // wins over `dockerfile`, as in Compose
}

/**
 * The tar and the name to pass as `?dockerfile=`. The stream errors (it is destroyed) if the folder cannot be
 * read while it is being archived; missing folders and Dockerfiles are found before, as a thrown BerthError.
 */
export interface BuildContext {
  stream: Readable;
  dockerfileName: string;
}

type Header = Parameters<Pack['entry']>[0];
interface ExtraFile {
  name: string;
  content: Buffer;
  mtime: Date;
}

const IGNORE_FILE = '.dockerignore';
/** Regular files up to this size are read whole, several at once; larger ones are streamed, one at a time. */
const WHOLE_FILE = 1024 * 1024;
const READ_AHEAD = 16;

/**
 * Archives `dir`: entries sorted, folders as `name/`, symlinks stored as symlinks, hard links as links, owner
 * 0:0, modes and mtimes kept. The .dockerignore and the Dockerfile are always sent, even when ignored. A
 * Dockerfile outside the folder, or inline, is added as `.dockerfile.<sha256 prefix>` and listed in the sent
 * .dockerignore, as docker's AddDockerfileToBuildContext does, so COPY never sees it. Throws CLI_BUILD_CONTEXT.
 */
export function packBuildContext(dir: string, opts: BuildContextOptions = {}): BuildContext {
  const root = resolve(dir);
  if (statOrUndefined(root)?.isDirectory() !== true) {
    throw new BerthError('CLI_BUILD_CONTEXT', `build context "${dir}" is not a folder`, {
      hint: 'check the build context path (build.context in the stack file); it is relative to the project folder',
    });
  }
  const ignoreText = readOrUndefined(resolve(root, IGNORE_FILE));
  const patterns = parseDockerignore(ignoreText?.toString('utf8') ?? '');
  const inContext = opts.dockerfileInline === undefined ? dockerfileInContext(root, opts.dockerfile) : undefined;
  const extra = inContext === undefined ? externalDockerfile(root, opts) : undefined;
  const matcher = compileIgnore(patterns, [IGNORE_FILE, ...(inContext === undefined ? [] : [inContext])]);
  const pack = tar.pack();
  void (async () => {
    const files = await listContextFiles(root, matcher);
    await writeEntries(pack, files, extra, ignoreText);
    pack.finalize();
  })().catch((e: unknown) => pack.destroy(e as Error));
  return { stream: Readable.from(pack), dockerfileName: inContext ?? (extra as ExtraFile).name };
}

/** The Dockerfile's `/`-separated path in the context, or undefined when it lies outside the folder. */
function dockerfileInContext(root: string, dockerfile = 'Dockerfile'): string | undefined {
  const path = resolve(root, dockerfile);
  if (statOrUndefined(path)?.isFile() !== true) {
    throw new BerthError('CLI_BUILD_CONTEXT', `Dockerfile not found at "${path}"`, {
      hint: 'set build.dockerfile to a path relative to the build context, or create the file',
    });
  }
  const rel = relative(root, path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

function externalDockerfile(root: string, opts: BuildContextOptions): ExtraFile {
  const path = opts.dockerfileInline === undefined ? resolve(root, opts.dockerfile ?? 'Dockerfile') : undefined;
  const content = path === undefined ? Buffer.from(opts.dockerfileInline ?? '', 'utf8') : readFileSync(path);
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 20);
  const mtime = path === undefined ? new Date(0) : statSync(path).mtime;
  return { name: `.dockerfile.${hash}`, content, mtime };
}

async function writeEntries(pack: Pack, files: ContextFile[], extra: ExtraFile | undefined, ignore?: Buffer) {
  const pending: Array<ContextFile | ExtraFile> = [...files];
  if (extra !== undefined) {
    // The sent .dockerignore lists the generated Dockerfile, so the daemon drops both from what COPY sees.
    const listed = Buffer.concat([ignore ?? Buffer.from(IGNORE_FILE), Buffer.from(`\n${extra.name}\n`)]);
    const index = pending.findIndex((f) => 'rel' in f && f.rel === IGNORE_FILE);
    const mtime = index >= 0 ? (pending[index] as ContextFile).stat.mtime : new Date(0);
    if (index >= 0) pending.splice(index, 1);
    pending.push(extra, { name: IGNORE_FILE, content: listed, mtime });
    pending.sort((a, b) => compare(nameOf(a), nameOf(b)));
  }
  const links = hardLinks(pending);
  const bodies = readAhead(pending, links);
  for (const [i, file] of pending.entries()) {
    if (!('rel' in file)) {
      const header = { name: file.name, mode: 0o600, uid: 0, gid: 0, mtime: file.mtime, type: 'file' as const };
      await addEntry(pack, { ...header, size: file.content.length }, file.content);
    } else await writeFileEntry(pack, file, { linkTo: links.get(i), body: bodies(i) });
  }
}

/**
 * For each file that is another name of a file archived before it (same dev:ino), the first name: it goes in
 * the tar as a hard link to that name. Decided before any body is read, so read-ahead skips those.
 */
function hardLinks(pending: ReadonlyArray<ContextFile | ExtraFile>): Map<number, string> {
  const first = new Map<string, string>(); // dev:ino → the first name archived
  const links = new Map<number, string>();
  for (const [i, file] of pending.entries()) {
    if (!('rel' in file) || file.stat.nlink <= 1 || !file.stat.isFile()) continue;
    const key = `${file.stat.dev}:${file.stat.ino}`;
    const name = first.get(key);
    if (name === undefined) first.set(key, file.rel);
    else links.set(i, name);
  }
  return links;
}

/**
 * Reads the bodies of small regular files up to READ_AHEAD entries ahead of the one being archived, so the
 * reads overlap one another and the packing; entries still go in the tar in order. `body(i)` starts the reads
 * from `i` on and returns entry i's, or undefined for an entry that is not a small file (it is streamed).
 */
function readAhead(pending: ReadonlyArray<ContextFile | ExtraFile>, links: ReadonlyMap<number, string>) {
  const reads = new Map<number, Promise<Buffer>>();
  let next = 0;
  return (i: number): Promise<Buffer> | undefined => {
    for (next = Math.max(next, i); next < Math.min(pending.length, i + READ_AHEAD); next++) {
      const file = pending[next] as ContextFile | ExtraFile;
      if (!('rel' in file) || links.has(next) || !file.stat.isFile() || file.stat.size > WHOLE_FILE) continue;
      const read = readFile(file.host);
      read.catch(() => undefined); // an entry given up after an earlier failure is not an unhandled rejection
      reads.set(next, read);
    }
    const body = reads.get(i);
    reads.delete(i);
    return body;
  };
}

async function writeFileEntry(
  pack: Pack,
  file: ContextFile,
  opts: { linkTo: string | undefined; body: Promise<Buffer> | undefined },
): Promise<void> {
  const { stat, rel } = file;
  const header: Header = { name: rel, mode: stat.mode & 0o7777, uid: 0, gid: 0, mtime: stat.mtime, size: 0 };
  if (stat.isDirectory()) return addEntry(pack, { ...header, name: `${rel}/`, type: 'directory' });
  if (stat.isSymbolicLink()) return addEntry(pack, { ...header, type: 'symlink', linkname: await readlink(file.host) });
  if (stat.isFIFO()) return addEntry(pack, { ...header, type: 'fifo' });
  if (stat.isCharacterDevice() || stat.isBlockDevice()) {
    const type = stat.isCharacterDevice() ? ('character-device' as const) : ('block-device' as const);
    return addEntry(pack, { ...header, type, devmajor: major(stat.rdev), devminor: minor(stat.rdev) });
  }
  if (opts.linkTo !== undefined) return addEntry(pack, { ...header, type: 'link', linkname: opts.linkTo });
  // The size is the lstat's: a file that changed size since fails the entry ("Size mismatch"), as when streamed.
  if (opts.body !== undefined) return addEntry(pack, { ...header, type: 'file', size: stat.size }, await opts.body);
  const handle = await open(file.host, 'r');
  try {
    const body = handle.createReadStream({ autoClose: false });
    await new Promise<void>((done, fail) => {
      const entry = pack.entry({ ...header, type: 'file', size: stat.size }, (e) => (e ? fail(e) : done()));
      body.on('error', fail);
      body.pipe(entry);
    });
  } finally {
    await handle.close();
  }
}

function addEntry(pack: Pack, header: Header, body?: Buffer): Promise<void> {
  return new Promise((done, fail) => {
    const entry = pack.entry(header, (e) => (e ? fail(e) : done()));
    if (body !== undefined) entry.end(body);
  });
}

function nameOf(f: ContextFile | ExtraFile): string {
  return 'rel' in f ? f.rel : f.name;
}

/** Byte order of the names, as Go sorts them; parents still come before their children. */
function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a.replace(/\//g, '\0')), Buffer.from(b.replace(/\//g, '\0')));
}

function major(rdev: number): number {
  return (rdev >>> 8) & 0xfff; // glibc's gnu_dev_major, for the 32-bit device numbers Linux hands out
}

function minor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
