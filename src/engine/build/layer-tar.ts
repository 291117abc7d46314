// A build step's changes as an OCI layer: the overlay upper folder of the step, written as a tar changeset
// (image-spec layer.md) that is the same bytes on every machine for the same changes.
import {
  createReadStream,
  createWriteStream,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  readdirSync,
  readlinkSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setImmediate as turn } from 'node:timers/promises';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import { type Digest, sha256Tap } from '../content/digest.js';
import type { CommitLayer } from '../images/commit-image.js';
import type { LayerFolder } from '../layers/layer-store.js';
import { type XattrScan, scanXattrs } from '../fs/xattr-scan.js';
import { opaqueFoldersOf, settleUpper } from './settle-upper.js';

type Headers = Partial<Header> & Pick<Header, 'name'>;

/** Files up to this size are read whole with one synchronous call; larger ones are streamed. */
const SMALL_FILE = 4 * 1024 * 1024;
const STREAM_BUFFER = 8 * 1024 * 1024;
/** The longest stretch of synchronous file system calls before the event loop gets a turn. */
const SLICE_MS = 20;

/**
 * How to write the layer. `mtime`: seconds since the epoch given to every entry (SOURCE_DATE_EPOCH, or 0), so that
 * file times never make two builds differ. `skip`: paths (relative, no leading slash) that the runtime made as
 * mount points and that are not the step's changes (/proc, /etc/hosts...); they are left out when empty, and a
 * folder that holds nothing else and was only copied up for them is left out too.
 */
export interface LayerTarOptions {
  mtime: number;
  skip?: ReadonlySet<string>;
  /**
   * A new folder to hard-link each regular file with a body into, named by its rank among them (0, 1, ...), for
   * extractLayer's `linkFrom`: the layer store then links the files instead of writing them again. Files on
   * another file system are left out (extraction writes those).
   */
  linkInto?: string;
  /** Counts what was written so far, for a progress line while a big layer is written. */
  progress?: LayerTarProgress;
  /**
   * The folder is given up once written (a step's upper folder, unmounted, that nothing else writes): leave it as
   * the tar's unpack in the layer store's form (settle-upper.ts), for the layer store to take by renaming it.
   * Not with `linkInto`. The tar is the same bytes either way.
   */
  settle?: boolean;
}

/** Entries and bytes of file content written so far; updated as the layer is written. */
export interface LayerTarProgress {
  entries: number;
  bytes: number;
}

/** Where a layer tar's files are linked for the layer store (the `linkInto` the builder's steps use). */
export function layerFilesOf(layerTar: string): string {
  return `${layerTar}.files`;
}

/**
 * What was written: the number of entries (0: the step changed nothing, so no layer is needed), and the sha256
 * and size of the tar, hashed as it was written: the content store and the layer store take the digest instead
 * of reading 300 MB again to compute it twice more.
 */
export interface LayerTarResult {
  entries: number;
  digest: Digest;
  size: number;
  /** With `linkInto`: the tar's headers in order, for extractLayer's `headers` (unpacked without parsing the tar). */
  headers?: readonly Header[];
  /** With `settle`, when the folder could be made so: the folder, now the tar's unpack, and its bytes of file content. */
  settled?: LayerFolder;
}

/** A layer tar berthd wrote, with the digest and size hashed as it was written (CommitInput's `layer`). */
export type WrittenLayer = Omit<CommitLayer, 'files'>;

interface Node {
  path: string; // relative to the upper folder, '/'-separated
  stat: Stats;
  children?: Node[];
}

/**
 * The file system calls are synchronous, in slices of at most SLICE_MS between turns of the event loop: a
 * node_modules layer (40,000 small files) spent most of its time waiting for thread-pool round trips, one lstat,
 * open, read and close after another.
 *
 * Writes the changes in `upper` (an overlayfs upper folder) to `outFile` as a tar layer: entries sorted by path,
 * owners and modes kept, times fixed, hard links within the layer as tar hard links, overlay whiteouts (0/0
 * character devices) as `.wh.<name>` files and opaque folders (xattr trusted.overlay.opaque=y) as
 * `<dir>/.wh..wh..opq`. Extended attributes other than the overlay's are not carried.
 */
export async function writeLayerTar(upper: string, outFile: string, opts: LayerTarOptions): Promise<LayerTarResult> {
  const slicer = new Slicer();
  const { tree, xattrs } = await readTree(upper, slicer);
  const opaque = opaqueFoldersOf(xattrs);
  const kept = prune(tree, opts.skip ?? new Set());
  // A folder that cannot be settled (a failing call included) is left for the layer store to ignore: the tar is
  // unpacked instead, and the tar does not depend on what was done to the folder.
  let settled =
    opts.settle === true &&
    opts.linkInto === undefined &&
    (await settleUpper(upper, { tree, kept, xattrs }).catch(() => false));
  let settledSize = 0;
  // Big buffers on both sides: with the default 16 KB, nearly every small file waited for a write to the file.
  const pack = tar.pack({ highWaterMark: STREAM_BUFFER });
  const hashed = sha256Tap(STREAM_BUFFER);
  const out = createWriteStream(outFile, { mode: 0o600, highWaterMark: STREAM_BUFFER });
  const written = pipeline(pack, hashed.tap, out);
  const links = new Map<string, string>(); // dev:ino → first path, for hard links
  let entries = 0;
  const mtime = new Date(opts.mtime * 1000);
  const progress = opts.progress ?? { entries: 0, bytes: 0 };
  if (opts.linkInto !== undefined) mkdirSync(opts.linkInto, { mode: 0o700 });
  let bodies = 0;
  const headers: Header[] = [];
  const add = async (header: Headers, file?: string): Promise<void> => {
    if (opts.linkInto !== undefined) headers.push(header as Header);
    entries++;
    progress.entries++;
    await slicer.maybeTurn();
    if (file !== undefined && (header.size ?? 0) > SMALL_FILE) {
      if (opts.linkInto !== undefined) linkQuietly(file, join(opts.linkInto, String(bodies)));
      bodies++;
      await pipeline(createReadStream(file), pack.entry(header));
    } else {
      // A buffer even when empty: without one, tar-stream waits for a body for entries of type file (whiteouts).
      const body = file === undefined ? Buffer.alloc(0) : readWhole(file, header.size ?? 0);
      if (file !== undefined && body.length > 0 && opts.linkInto !== undefined) {
        linkQuietly(file, join(opts.linkInto, String(bodies)));
      }
      if (body.length > 0) bodies++;
      // The callback comes once the pack has taken the entry: waiting for it is the backpressure.
      await new Promise<void>((res, rej) => pack.entry(header, body, (e) => (e ? rej(e) : res())));
    }
    progress.bytes += header.size ?? 0;
    if (header.type === 'file') settledSize += header.size ?? 0;
  };
  // The unpack's times are the tar's: set once the entry is read (reading would not change mtime, but the order
  // keeps atime too), and a folder's before its children's, which leaves its own alone.
  const settleTime = (path: string): void => {
    if (!settled) return;
    try {
      lutimesSync(join(upper, path), mtime, mtime);
    } catch {
      settled = false;
    }
  };
  try {
    for (const node of kept) {
      for (const entry of entriesOf(node, { upper, mtime, opaque, links })) await add(entry.header, entry.file);
      if (!node.stat.isSocket()) settleTime(node.path);
    }
    pack.finalize();
    await written;
  } catch (e) {
    pack.destroy(e as Error);
    await written.catch(() => undefined);
    throw e;
  }
  return {
    entries,
    ...hashed.result(),
    ...(opts.linkInto === undefined ? {} : { headers }),
    ...(settled ? { settled: { path: upper, size: settledSize } } : {}),
  };
}

/** The tree under `upper` and its extended attributes: getfattr walks it in its own process while this one does. */
async function readTree(upper: string, slicer: Slicer): Promise<{ tree: Node[]; xattrs: XattrScan }> {
  const scanning = scanXattrs(upper);
  const tree = await walk(upper, '', slicer).catch(async (e: unknown) => {
    await scanning.catch(() => undefined);
    throw e;
  });
  return { tree, xattrs: await scanning };
}

/** The tar entries of one walked node (none for a socket: tar does not carry them, as in Docker), with body files. */
function entriesOf(
  node: Node,
  at: { upper: string; mtime: Date; opaque: ReadonlySet<string>; links: Map<string, string> },
): Array<{ header: Headers; file?: string }> {
  const { stat, path } = node;
  const base = { uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777, mtime: at.mtime };
  const slash = path.lastIndexOf('/');
  if (stat.isCharacterDevice() && stat.rdev === 0) {
    return [
      { header: { ...base, name: `${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`, type: 'file', size: 0 } },
    ];
  }
  if (stat.isDirectory()) {
    const dir = { header: { ...base, name: `${path}/`, type: 'directory' as const } };
    if (!at.opaque.has(path)) return [dir];
    return [dir, { header: { ...base, name: `${path}/.wh..wh..opq`, type: 'file', size: 0, mode: 0 } }];
  }
  if (stat.isSymbolicLink()) {
    return [{ header: { ...base, name: path, type: 'symlink', linkname: readlinkSync(join(at.upper, path)) } }];
  }
  if (stat.isFile()) {
    const key = `${stat.dev}:${stat.ino}`;
    const first = stat.nlink > 1 ? at.links.get(key) : undefined;
    if (first !== undefined) return [{ header: { ...base, name: path, type: 'link', linkname: first } }];
    if (stat.nlink > 1) at.links.set(key, path);
    return [{ header: { ...base, name: path, type: 'file', size: stat.size }, file: join(at.upper, path) }];
  }
  if (stat.isFIFO()) return [{ header: { ...base, name: path, type: 'fifo' } }];
  if (stat.isCharacterDevice() || stat.isBlockDevice()) {
    const type = stat.isCharacterDevice() ? 'character-device' : 'block-device';
    return [{ header: { ...base, name: path, type, devmajor: major(stat.rdev), devminor: minor(stat.rdev) } }];
  }
  return [];
}

async function walk(root: string, rel: string, slicer: Slicer): Promise<Node[]> {
  const names = readdirSync(rel === '' ? root : join(root, rel)).sort();
  const out: Node[] = [];
  for (const name of names) {
    await slicer.maybeTurn();
    const path = rel === '' ? name : `${rel}/${name}`;
    const stat = lstatSync(join(root, path));
    out.push({ path, stat, children: stat.isDirectory() ? await walk(root, path, slicer) : undefined });
  }
  return out;
}

/** A file of known size read with one open, read and close (readFileSync also stats it and reads again for the end). */
function readWhole(file: string, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  const fd = openSync(file, 'r');
  try {
    let at = 0;
    while (at < size) {
      const n = readSync(fd, buf, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === size ? buf : buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

function linkQuietly(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    // another file system: the layer store writes this file from the tar
  }
}

/** Gives the event loop a turn when the synchronous work since the last one took SLICE_MS. */
class Slicer {
  #since = performance.now();

  async maybeTurn(): Promise<void> {
    if (performance.now() - this.#since < SLICE_MS) return;
    await turn();
    this.#since = performance.now();
  }
}

/**
 * Flattens the tree in path order without the runtime's mount points: an empty folder or empty file named in
 * `skip`, and a folder left with no kept entries that is itself a skipped path or an ancestor of one.
 */
function prune(nodes: readonly Node[], skip: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  for (const node of nodes) {
    if (node.children === undefined) {
      if (!(skip.has(node.path) && node.stat.isFile() && node.stat.size === 0)) out.push(node);
      continue;
    }
    const inner = prune(node.children, skip);
    const mountRelated = [...skip].some((s) => s === node.path || s.startsWith(`${node.path}/`));
    if (inner.length === 0 && mountRelated) continue;
    out.push(node, ...inner);
  }
  return out;
}

function major(rdev: number): number {
  return ((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfff);
}

function minor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >> 12) & ~0xff);
}
