// berthd's content-addressed blob store (containerd's content store, reduced to what berthd needs).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError } from '../errors.js';
import { syncDir, writeAll } from '../fs/atomic-write.js';
import { type Digest, digestHex, parseDigest } from './digest.js';

/** A blob as stored: its digest and its size in bytes. */
export interface BlobInfo {
  digest: Digest;
  size: number;
}

/**
 * Immutable blobs under `<root>/content/blobs/sha256/<hex>`, named by the sha256 of their bytes.
 * Invariants: a blob is visible only once fully written, fsynced and verified (writes go to
 * `<root>/content/ingest/` and are renamed into place); a visible blob's bytes always match its name;
 * ingesting a blob that exists keeps the existing file. Every method refuses a malformed digest
 * (invalid ENGINE_BAD_DIGEST).
 */
export class ContentStore {
  readonly root: string;
  readonly #blobs: string;
  readonly #ingest: string;

  private constructor(root: string) {
    this.root = join(root, 'content');
    this.#blobs = join(this.root, 'blobs', 'sha256');
    this.#ingest = join(this.root, 'ingest');
  }

  /** Opens (creating if needed) the store under `root`, dropping ingests a crash left behind. */
  static async open(root: string): Promise<ContentStore> {
    const store = new ContentStore(root);
    await mkdir(store.#blobs, { recursive: true });
    await rm(store.#ingest, { recursive: true, force: true });
    await mkdir(store.#ingest, { recursive: true });
    return store;
  }

  has(digest: string): boolean {
    return existsSync(this.path(digest));
  }

  /** Where the blob is (or would be); it may not exist. */
  path(digest: string): string {
    return join(this.#blobs, digestHex(parseDigest(digest)));
  }

  /** Size in bytes of a stored blob; not-found ENGINE_BLOB_NOT_FOUND otherwise. */
  size(digest: string): number {
    try {
      return statSync(this.path(digest)).size;
    } catch (e) {
      throw notFound(digest, e);
    }
  }

  /**
   * Stores `source`, hashing while writing. With `expected`, a mismatch fails with invalid
   * ENGINE_DIGEST_MISMATCH and leaves nothing behind. Safe to call concurrently for the same content.
   */
  async ingest(source: Readable | Buffer, expected?: string): Promise<BlobInfo> {
    const want = expected === undefined ? undefined : parseDigest(expected, 'expected digest');
    const temp = join(this.#ingest, randomBytes(12).toString('hex'));
    try {
      const { digest, size } = await writeHashed(source, temp);
      if (want !== undefined && digest !== want) {
        throw new EngineError(
          'invalid',
          'ENGINE_DIGEST_MISMATCH',
          `content has digest "${digest}", expected "${want}"`,
          {
            hint: 'the data was corrupted or truncated; fetch or export it again',
          },
        );
      }
      const final = this.path(digest);
      if (existsSync(final)) await unlink(temp);
      else {
        await rename(temp, final);
        await syncDir(this.#blobs);
      }
      return { digest, size };
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  /**
   * Stores the file `file` by moving it in (it is gone afterwards), hashing it first: a build's layer tar of
   * hundreds of megabytes is not copied. A file on another file system is copied as ingest does. `written`: the
   * digest and size berthd computed itself while writing the file (writeLayerTar's), so it is not read again;
   * never a digest from outside, which would break the invariant that a blob's bytes match its name.
   */
  async ingestFile(file: string, written?: BlobInfo): Promise<BlobInfo> {
    const { digest, size } = written ?? (await hashFile(file));
    parseDigest(digest, 'layer digest');
    const final = this.path(digest);
    try {
      if (existsSync(final)) await unlink(file);
      else {
        const handle = await open(file, 'r');
        await handle.sync().finally(() => handle.close());
        await chmod(file, 0o644);
        await rename(file, final);
        await syncDir(this.#blobs);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      return this.ingest(createReadStream(file), digest);
    }
    return { digest, size };
  }

  async read(digest: string): Promise<Buffer> {
    try {
      return await readFile(this.path(digest));
    } catch (e) {
      throw notFound(digest, e);
    }
  }

  /** A stream of the blob's bytes; a missing blob errors the stream with ENOENT. */
  stream(digest: string): Readable {
    return createReadStream(this.path(digest));
  }

  /** Parses a JSON blob; invalid ENGINE_BAD_JSON when it is not JSON. */
  async readJson<T>(digest: string): Promise<T> {
    const data = await this.read(digest);
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch (e) {
      throw new EngineError('invalid', 'ENGINE_BAD_JSON', `blob "${digest}" is not valid JSON`, { cause: e });
    }
  }

  /** Removes a blob; returns false when it was not there. */
  async delete(digest: string): Promise<boolean> {
    try {
      await unlink(this.path(digest));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  list(): Digest[] {
    return readdirSync(this.#blobs)
      .filter((name) => /^[0-9a-f]{64}$/.test(name))
      .map((hex): Digest => `sha256:${hex}`);
  }
}

async function hashFile(file: string): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

async function writeHashed(source: Readable | Buffer, file: string): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await open(file, 'wx', 0o644);
  try {
    const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = Buffer.isBuffer(source) ? [source] : source;
    for await (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash.update(bytes);
      size += bytes.length;
      await writeAll(handle, bytes);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

function notFound(digest: string, cause: unknown): unknown {
  if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') return cause;
  return new EngineError('not-found', 'ENGINE_BLOB_NOT_FOUND', `blob "${digest}" is not in the content store`, {
    cause,
  });
}
