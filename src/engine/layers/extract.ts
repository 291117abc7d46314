// Unpacks one layer changeset (OCI image-spec layer.md) into a folder in overlayfs form, safely and atomically.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  lchownSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { chmod, lchown, lutimes, open, realpath } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import type { Stats } from 'node:fs';
import type { Readable, Transform } from 'node:stream';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import { type Digest, parseDigest, sha256Tap } from '../content/digest.js';
import { publishDir, writeAll } from '../fs/atomic-write.js';
import { EngineError } from '../errors.js';
import { decompressLayer } from './decompress.js';
import { ensureParentsSync, entryPath, invalidEntry, linkTargetPath } from './entry-path.js';
import { clearPathSync, isReal, lstatOrNull, lstatOrNullSync } from '../fs/path-entry.js';
import { makeNode, markOpaque } from '../fs/special-files.js';

/** What an extraction produced: the sha256 of the uncompressed tar, and the bytes of file content written. */
export interface ExtractResult {
  diffId: Digest;
  size: number;
}

/** One tar entry as tar-stream yields it: its header and its body. */
type Entry = AsyncIterable<Buffer> & { header: Header };

interface Extraction {
  root: string; // realpath of the temp folder
  folders: Map<string, Header>; // folder metadata, applied last so that adding children does not change mtimes
  real: Set<string>; // folders found real (not symlinks) or made, so that parents are checked once
  // Everything else made so far. The temp folder starts empty, so a path in neither set holds nothing yet.
  made: Set<string>;
  size: number;
  linkFrom?: string;
  bodies: number; // regular files with a body so far: the name of the next one in `linkFrom`
}

const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** Bodies up to this size are held whole and written with one synchronous call; larger ones are streamed. */
const SMALL_BODY = 4 * 1024 * 1024;
/** The longest stretch of synchronous unpacking of a listed layer before the event loop gets a turn. */
const SLICE_MS = 20;

/**
 * Extracts a layer tar (plain or gzip) into `target`, which must not exist. Entries are written in a temp folder
 * beside `target` that is renamed at the end, so a refused, failed or interrupted extraction never becomes
 * visible. Whiteouts become overlayfs whiteouts (`.wh.x` → 0/0 character device `x`, `.wh..wh..opq` → xattr
 * `trusted.overlay.opaque=y` on the folder). Entries that would land outside `target` (absolute, escaping `..`,
 * through a symlink, hard links to outside) fail with invalid ENGINE_LAYER_UNSAFE; with `expectedDiffId`, a
 * different diffID fails with invalid ENGINE_DIFFID_MISMATCH. `linkFrom`, for a layer berthd has just written
 * itself (a build step's): a folder where the n-th regular file with a body of the tar is the file named n, the
 * very file the tar was read from; it is hard-linked instead of written again (a layer of 40,000 files spends most
 * of its time creating and filling files). `trustDiffId`, for the same layers: `expectedDiffId` is the sha256
 * berthd computed as it wrote the tar, so the tar is not hashed again (the content store took the same digest).
 * `headers`, with both: the tar's headers as the writer made them; the layer is unpacked from them and the linked
 * files without parsing the tar, and from the tar after all if a file cannot be linked. Never for layers from
 * outside.
 */
export async function extractLayer(
  source: Readable | Buffer,
  target: string,
  opts: { expectedDiffId?: string; linkFrom?: string; trustDiffId?: boolean; headers?: readonly Header[] } = {},
): Promise<ExtractResult> {
  const expected = opts.expectedDiffId === undefined ? undefined : parseDigest(opts.expectedDiffId, 'diffID');
  const trusted = opts.trustDiffId === true ? expected : undefined;
  if ((await lstatOrNull(target)) !== null) {
    throw new EngineError('conflict', 'ENGINE_LAYER_EXISTS', `cannot extract a layer into "${target}": it exists`);
  }
  const temp = (): string => join(dirname(target), `.${basename(target)}.partial-${randomBytes(6).toString('hex')}`);
  const { headers, linkFrom } = opts;
  if (trusted !== undefined && linkFrom !== undefined && headers !== undefined) {
    const listed = await extractListed(temp(), target, { headers, linkFrom });
    if (listed !== undefined) {
      if (!Buffer.isBuffer(source)) source.destroy();
      return { diffId: trusted, size: listed };
    }
  }
  const dir = temp();
  return publishDir(dir, target, async () => {
    const ctx = await newExtraction(dir, linkFrom);
    const hashed = trusted === undefined ? sha256Tap() : undefined;
    await unpackEntries(await decompressLayer(source), ctx, hashed?.tap);
    const diffId: Digest = hashed === undefined ? (trusted as Digest) : hashed.result().digest;
    await applyFolderMetadata(ctx);
    if (expected !== undefined && diffId !== expected) {
      throw new EngineError(
        'invalid',
        'ENGINE_DIFFID_MISMATCH',
        `layer has diffID "${diffId}", expected "${expected}"`,
        {
          hint: 'the layer data does not match the image configuration; export the image again',
        },
      );
    }
    return { diffId, size: ctx.size };
  });
}

async function newExtraction(temp: string, linkFrom: string | undefined): Promise<Extraction> {
  const root = await realpath(temp);
  return { root, folders: new Map(), real: new Set(), made: new Set(), size: 0, linkFrom, bodies: 0 };
}

/** Thrown when an entry of a listed layer needs its body from the tar: its file could not be linked. */
class TarNeeded extends Error {}

/**
 * The layer unpacked from the writer's headers and the linked files (the same unpackEntry as for a tar, with
 * bodies that are empty or not there), published at `target`; the bytes of file content, or undefined (nothing
 * published) when a file could not be linked and the tar must be read after all.
 */
async function extractListed(
  temp: string,
  target: string,
  opts: { headers: readonly Header[]; linkFrom: string },
): Promise<number | undefined> {
  try {
    return await publishDir(temp, target, async () => {
      const ctx = await newExtraction(temp, opts.linkFrom);
      let since = performance.now();
      for (const header of opts.headers) {
        await unpackEntry(listedEntry(header), ctx);
        if (performance.now() - since > SLICE_MS) {
          await turn(); // the event loop gets a turn, as it does between the chunks of a tar
          since = performance.now();
        }
      }
      await applyFolderMetadata(ctx);
      return ctx.size;
    });
  } catch (e) {
    if (e instanceof TarNeeded) return undefined;
    throw e;
  }
}

function listedEntry(header: Header): Entry {
  return {
    header,
    // eslint-disable-next-line require-yield -- a body is only read when its file was not linked
    async *[Symbol.asyncIterator]() {
      if ((header.size ?? 0) > 0) throw new TarNeeded(header.name);
    },
  };
}

/** Unpacks the entries of the tar `stream`, through `tap` (which hashes it) if given. */
async function unpackEntries(stream: Readable, ctx: Extraction, tap: Transform | undefined): Promise<void> {
  const extract = tar.extract();
  stream.on('error', (e) => extract.destroy(e));
  if (tap === undefined) stream.pipe(extract);
  else {
    tap.on('error', (e) => extract.destroy(e));
    stream.pipe(tap).pipe(extract);
  }
  try {
    for await (const source of extract) {
      const entry = source as unknown as Entry; // streamx readables are async-iterable; its types omit it
      await unpackEntry(entry, ctx);
      for await (const _chunk of entry); // the rest of a body we did not need
    }
  } catch (e) {
    stream.destroy();
    throw asLayerError(e);
  }
}

// The file system calls of one entry are synchronous: the folder is ours alone until it is renamed, and a layer
// of 40,000 small files spent most of a minute waiting for ten thread-pool round trips per file (open, write,
// close, lchown, chmod, lutimes, lstat of each parent...). One entry's calls take tens of microseconds; the event
// loop still turns between the chunks of the tar stream.
async function unpackEntry(entry: Entry, ctx: Extraction): Promise<void> {
  const header = entry.header;
  const rel = entryPath(header.name);
  const base = posix.basename(rel);
  if (base.startsWith('.wh.')) return unpackWhiteout(ctx, rel, header);
  if (rel === '') {
    if (header.type !== 'directory') throw invalidEntry(header.name, 'names the layer root but is not a folder');
    ctx.folders.set(ctx.root, header);
    return;
  }
  const path = ensureParentsSync(ctx.root, rel, header.name, ctx.real);
  const type = header.type ?? 'file';
  if (type === 'directory') {
    if (!ctx.real.has(path)) {
      clear(ctx, path);
      mkdirSync(path, { mode: 0o700 });
    }
    ctx.real.add(path);
    ctx.folders.set(path, header);
    return;
  }
  if (type === 'link') return unpackHardLink(ctx, rel, path, header);
  clear(ctx, path);
  ctx.made.add(path);
  if (type === 'file' || type === 'contiguous-file') {
    if (await writeFile(entry, path, ctx)) return; // linked, with the owner and mode already right
  } else if (type === 'symlink') return symlinkAt(header, path);
  else if (type === 'character-device' || type === 'block-device') {
    const kind = type === 'character-device' ? 'c' : 'b';
    await makeNode(path, { type: kind, major: header.devmajor ?? 0, minor: header.devminor ?? 0 });
  } else if (type === 'fifo') await makeNode(path, { type: 'p' });
  else throw invalidEntry(header.name, `has the unsupported type "${type}"`);
  setMetadataSync(path, header);
}

/** Writes (or links) the file's body; true when it was linked and only its time remained to set, which is done. */
async function writeFile(entry: Entry, path: string, ctx: Extraction): Promise<boolean> {
  const { header } = entry;
  const size = header.size ?? 0;
  const index = size > 0 ? ctx.bodies++ : -1;
  const linked = index >= 0 && ctx.linkFrom !== undefined && linkBody(join(ctx.linkFrom, String(index)), path, size);
  if (linked !== false) {
    ctx.size += size;
    const mode = (header.mode ?? 0o644) & 0o7777;
    if (linked.uid !== (header.uid ?? 0) || linked.gid !== (header.gid ?? 0) || (linked.mode & 0o7777) !== mode) {
      return false; // setMetadataSync sets them all
    }
    const mtime = header.mtime ?? new Date(0);
    lutimesSync(path, mtime, mtime);
    return true;
  }
  if (size <= SMALL_BODY) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const fd = openSync(path, WRITE_NEW, 0o600);
    try {
      for (const chunk of chunks) for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at);
    } finally {
      closeSync(fd);
    }
  } else {
    const handle = await open(path, WRITE_NEW, 0o600);
    try {
      for await (const chunk of entry) await writeAll(handle, chunk as Buffer);
    } finally {
      await handle.close();
    }
  }
  ctx.size += size;
  return false;
}

/** Links `from` at `path` when it is a regular file of the entry's size (its stat); false (nothing done) otherwise. */
function linkBody(from: string, path: string, size: number): Stats | false {
  const stat = lstatOrNullSync(from);
  if (stat === null || !stat.isFile() || stat.size !== size) return false;
  try {
    linkSync(from, path);
    return stat;
  } catch {
    return false; // another file system (EXDEV) or a link limit: the body is written instead
  }
}

function symlinkAt(header: Header, path: string): void {
  symlinkSync(header.linkname ?? '', path);
  lchownSync(path, header.uid ?? 0, header.gid ?? 0);
  const mtime = header.mtime ?? new Date(0);
  lutimesSync(path, mtime, mtime);
}

/** Owner first: chown clears setuid and setgid bits, so the mode is set after it. */
async function setMetadata(path: string, header: Header): Promise<void> {
  await lchown(path, header.uid ?? 0, header.gid ?? 0);
  await chmod(path, (header.mode ?? 0o644) & 0o7777);
  const mtime = header.mtime ?? new Date(0);
  await lutimes(path, mtime, mtime);
}

function setMetadataSync(path: string, header: Header): void {
  lchownSync(path, header.uid ?? 0, header.gid ?? 0);
  chmodSync(path, (header.mode ?? 0o644) & 0o7777);
  const mtime = header.mtime ?? new Date(0);
  lutimesSync(path, mtime, mtime);
}

/** A hard link's target is named from the layer root and must already be extracted, inside it. */
function unpackHardLink(ctx: Extraction, rel: string, path: string, header: Header): void {
  const targetRel = linkTargetPath(header.name, header.linkname ?? '');
  if (targetRel === rel) return;
  const target = ensureParentsSync(ctx.root, targetRel, header.name, ctx.real);
  const stat = lstatOrNullSync(target);
  if (stat === null)
    throw invalidEntry(header.name, `is a hard link to "${header.linkname}", which is not in the layer`);
  if (stat.isDirectory()) throw invalidEntry(header.name, `is a hard link to the folder "${header.linkname}"`);
  clear(ctx, path);
  linkSync(target, path);
  ctx.made.add(path);
}

/** `.wh..wh..opq` makes its folder opaque; `.wh.x` hides `x` of the lower layers; other `.wh..wh.` are aufs metadata. */
async function unpackWhiteout(ctx: Extraction, rel: string, header: Header): Promise<void> {
  const base = posix.basename(rel);
  const dirRel = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
  if (base === '.wh..wh..opq') {
    const file = ensureParentsSync(ctx.root, rel, header.name, ctx.real);
    await markOpaque(dirname(file));
    return;
  }
  if (base.startsWith('.wh..wh.')) return;
  const hidden = base.slice('.wh.'.length);
  if (hidden === '' || hidden === '.' || hidden === '..') throw invalidEntry(header.name, 'is a whiteout of nothing');
  const path = ensureParentsSync(ctx.root, dirRel === '' ? hidden : `${dirRel}/${hidden}`, header.name, ctx.real);
  clear(ctx, path);
  await makeNode(path, { type: 'c', major: 0, minor: 0 });
  ctx.made.add(path);
  lchownSync(path, header.uid ?? 0, header.gid ?? 0);
  // Mode 0 as overlayfs and moby make whiteouts (not mknod's umask default), at the entry's time: the same node
  // as a whiteout in a step's upper folder that the layer store takes whole (build/settle-upper.ts).
  chmodSync(path, 0);
  const mtime = header.mtime ?? new Date(0);
  lutimesSync(path, mtime, mtime);
}

/** Removes what a later entry replaces, and forgets the folders (metadata, realness) that went with it. */
function clear(ctx: Extraction, path: string): void {
  if (!ctx.real.has(path) && !ctx.made.has(path)) return; // nothing was made there: nothing is there
  if (!clearPathSync(path, false)) return;
  const gone = (p: string): boolean => p === path || p.startsWith(`${path}/`);
  for (const folder of ctx.folders.keys()) if (gone(folder)) ctx.folders.delete(folder);
  for (const folder of ctx.real) if (gone(folder)) ctx.real.delete(folder);
  for (const made of ctx.made) if (gone(made)) ctx.made.delete(made);
}

async function applyFolderMetadata(ctx: Extraction): Promise<void> {
  if (!ctx.folders.has(ctx.root)) await chmod(ctx.root, 0o755);
  const deepestFirst = [...ctx.folders.entries()].sort(([a], [b]) => b.split('/').length - a.split('/').length);
  for (const [path, header] of deepestFirst) {
    if (!(await isReal(path))) continue; // defensive: never chmod through a symlink
    await setMetadata(path, { ...header, mode: header.mode ?? 0o755 });
  }
}

/** tar and gzip parse errors are the layer's fault; errors of the host (ENOSPC, EACCES...) pass unchanged. */
function asLayerError(e: unknown): unknown {
  if (e instanceof EngineError || (e as NodeJS.ErrnoException).syscall !== undefined) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new EngineError('invalid', 'ENGINE_LAYER_INVALID', `layer is not a valid tar archive: ${message}`, {
    cause: e,
  });
}
