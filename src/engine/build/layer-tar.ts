// A build step's changes as an OCI layer: the overlay upper folder of the step, written as a tar changeset
// (image-spec layer.md) that is the same bytes on every machine for the same changes.
import {
  createReadStream,
  createWriteStream,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  readdirSync,
  readlinkSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as turn } from 'node:timers/promises';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import type { Digest } from '../content/digest.js';
import { runTool } from '../runtime/run-tool.js';

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
}

/** A layer tar berthd wrote, with the digest and size hashed as it was written (CommitInput's `layerDigest`). */
export interface WrittenLayer {
  file: string;
  digest: Digest;
  size: number;
  headers?: readonly Header[];
}

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
  const opaque = await opaqueFolders(upper);
  const slicer = new Slicer();
  const tree = await walk(upper, '', slicer);
  const kept = prune(tree, opts.skip ?? new Set());
  // Big buffers on both sides: with the default 16 KB, nearly every small file waited for a write to the file.
  const pack = tar.pack({ highWaterMark: STREAM_BUFFER });
  const hashed = hashing();
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
  };
  try {
    for (const node of kept) {
      const { stat, path } = node;
      const base = { uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777, mtime };
      const slash = path.lastIndexOf('/');
      if (stat.isCharacterDevice() && stat.rdev === 0) {
        await add({ ...base, name: `${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`, type: 'file', size: 0 });
      } else if (stat.isDirectory()) {
        await add({ ...base, name: `${path}/`, type: 'directory' });
        if (opaque.has(path)) await add({ ...base, name: `${path}/.wh..wh..opq`, type: 'file', size: 0, mode: 0 });
      } else if (stat.isSymbolicLink()) {
        await add({ ...base, name: path, type: 'symlink', linkname: readlinkSync(join(upper, path)) });
      } else if (stat.isFile()) {
        const key = `${stat.dev}:${stat.ino}`;
        const first = stat.nlink > 1 ? links.get(key) : undefined;
        if (first !== undefined) await add({ ...base, name: path, type: 'link', linkname: first });
        else {
          if (stat.nlink > 1) links.set(key, path);
          await add({ ...base, name: path, type: 'file', size: stat.size }, join(upper, path));
        }
      } else if (stat.isFIFO()) await add({ ...base, name: path, type: 'fifo' });
      else if (stat.isCharacterDevice() || stat.isBlockDevice()) {
        const type = stat.isCharacterDevice() ? 'character-device' : 'block-device';
        await add({ ...base, name: path, type, devmajor: major(stat.rdev), devminor: minor(stat.rdev) });
      } // sockets are not carried by tar, as in Docker
    }
    pack.finalize();
    await written;
  } catch (e) {
    pack.destroy(e as Error);
    await written.catch(() => undefined);
    throw e;
  }
  return { entries, ...hashed.result(), ...(opts.linkInto === undefined ? {} : { headers }) };
}

/** A pass-through that hashes what goes through it: the tar's digest without reading the file again. */
function hashing(): { tap: Transform; result: () => { digest: Digest; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    highWaterMark: STREAM_BUFFER,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { tap, result: () => ({ digest: `sha256:${hash.digest('hex')}`, size }) };
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

/** The folders of `upper` that overlayfs marked opaque, by one getfattr over the tree. */
async function opaqueFolders(upper: string): Promise<Set<string>> {
  const r = await runTool('getfattr', [
    '-R',
    '-P',
    '--absolute-names',
    '-m',
    '^trusted\\.overlay\\.opaque$',
    '-d',
    upper,
  ]);
  const out = new Set<string>();
  let file: string | undefined;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('# file: ')) file = unescapeName(line.slice(8));
    else if (file !== undefined && /^trusted\.overlay\.opaque="y"/.test(line) && file.startsWith(`${upper}/`)) {
      out.add(file.slice(upper.length + 1));
    }
  }
  return out;
}

// getfattr escapes unusual bytes in names as \ooo octal.
function unescapeName(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

function major(rdev: number): number {
  return ((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfff);
}

function minor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >> 12) & ~0xff);
}
