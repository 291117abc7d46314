// berthd's unpacked layers, one folder per ChainID, shared by every image that has that chain.
import { randomBytes } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Header } from 'tar-stream';
import { type Digest, digestHex, parseDigest } from '../content/digest.js';
import { syncDir, writeFileAtomic } from '../fs/atomic-write.js';
import { type Lock, createLock } from '../content/lock.js';
import { EngineError } from '../errors.js';
import { lstatOrNull } from '../fs/path-entry.js';
import { chainIdOf } from './chain-id.js';
import { extractLayer } from './extract.js';

/**
 * A folder that already is the layer's unpacked content in this store's form (overlayfs whiteouts and opaque
 * markers, the tar's owners, modes and times, no other attributes), on the store's file system, given up by its
 * maker: a build step's upper folder made so as its tar was written (build/settle-upper.ts). `size`: its bytes of
 * file content. Only with a trusted diffID, i.e. for a tar berthd wrote itself from that folder.
 */
export interface LayerFolder {
  path: string;
  size: number;
}

/** One unpacked layer as `meta.json` records it. `users` are the ids of the images that hold it, sorted. */
export interface LayerInfo {
  chainId: Digest;
  diffId: Digest;
  parent?: Digest;
  size: number; // bytes of file content in diff/
  users: string[];
}

/**
 * Layers under `<root>/layers/<chainID hex>/{diff/, meta.json}`. Invariants: a layer folder appears only complete
 * (unpacked and described in `.ingest-*`, then renamed); each ChainID is unpacked once, however many images and
 * concurrent callers share it; a layer exists while it has users, and `release` of its last user deletes it
 * (renamed to `.deleting-*` first, so a half-deleted layer is never visible). Leftovers of a crash are removed by `open`.
 */
export class LayerStore {
  readonly root: string;
  readonly #layers = new Map<Digest, LayerInfo>();
  readonly #unpacking = new Map<Digest, Promise<unknown>>();
  readonly #lock: Lock = createLock();

  private constructor(root: string) {
    this.root = join(root, 'layers');
  }

  static async open(root: string): Promise<LayerStore> {
    const store = new LayerStore(root);
    await mkdir(store.root, { recursive: true });
    for (const name of readdirSync(store.root)) {
      if (name.startsWith('.')) await rm(join(store.root, name), { recursive: true, force: true });
      else if (/^[0-9a-f]{64}$/.test(name)) {
        const info = readMeta(join(store.root, name));
        store.#layers.set(info.chainId, info);
      }
    }
    return store;
  }

  has(chainId: string): boolean {
    return this.#layers.has(parseDigest(chainId, 'chainID'));
  }

  get(chainId: string): LayerInfo | undefined {
    return this.#layers.get(parseDigest(chainId, 'chainID'));
  }

  list(): LayerInfo[] {
    return [...this.#layers.values()];
  }

  /** The unpacked content of a layer (an overlayfs lowerdir); not-found ENGINE_LAYER_NOT_FOUND if absent. */
  diffDir(chainId: string): string {
    return join(this.#dir(this.#need(chainId).chainId), 'diff');
  }

  size(chainId: string): number {
    return this.#need(chainId).size;
  }

  /**
   * Makes the layer `source` (a blob path or a tar stream, plain or gzip) on top of `parentChainId` available and
   * records `user` as holding it. With `diffId` known and the layer present, nothing is read (a stream source is
   * destroyed); otherwise the layer is unpacked and, with `diffId`, verified (invalid ENGINE_DIFFID_MISMATCH),
   * unless `trustDiffId`: berthd hashed this tar itself as it wrote it (extractLayer's `trustDiffId`). `folder`,
   * with `trustDiffId`: the layer's content, renamed into place instead of unpacked (if the rename fails, e.g.
   * across file systems, the tar is unpacked as without it); left where it is when the layer is present.
   */
  async ensure(
    source: string | Readable | Buffer,
    parentChainId: string | undefined,
    opts: UnpackOptions & { diffId?: string; user: string },
  ): Promise<LayerInfo> {
    const parent = parentChainId === undefined ? undefined : parseDigest(parentChainId, 'parent chainID');
    const user = opts.user;
    const { linkFrom, trustDiffId, headers, folder } = opts;
    if (opts.diffId === undefined) return this.#unpack(source, parent, { user, linkFrom });
    const chainId = chainIdOf(parent, opts.diffId);
    for (;;) {
      const pending = this.#unpacking.get(chainId);
      if (pending !== undefined) {
        await pending.catch(() => undefined);
        continue;
      }
      if (this.#layers.has(chainId)) {
        const held = await this.#lock(async () => {
          const info = this.#layers.get(chainId);
          return info === undefined ? undefined : this.#addUser(info, user);
        });
        if (held === undefined) continue; // released meanwhile: unpack it again
        if (typeof source === 'object' && !Buffer.isBuffer(source)) source.destroy();
        return held;
      }
      // Checked and registered in one synchronous step, so that concurrent callers wait for this unpacking.
      const unpacking = this.#unpack(source, parent, {
        user,
        diffId: opts.diffId,
        linkFrom,
        trustDiffId,
        headers,
        folder,
      });
      this.#unpacking.set(chainId, unpacking);
      try {
        return await unpacking;
      } finally {
        this.#unpacking.delete(chainId);
      }
    }
  }

  /** Records `user` as holding an existing layer. */
  async acquire(chainId: string, user: string): Promise<LayerInfo> {
    return this.#lock(async () => this.#addUser(this.#need(chainId), user));
  }

  /** Drops `user` from each layer; returns the ChainIDs of the layers this left unused, which are deleted. */
  async release(chainIds: readonly string[], user: string): Promise<Digest[]> {
    return this.#lock(async () => {
      const deleted: Digest[] = [];
      for (const chainId of chainIds) {
        const info = this.#layers.get(parseDigest(chainId, 'chainID'));
        if (info === undefined) continue;
        const users = info.users.filter((u) => u !== user);
        if (users.length > 0) await this.#writeMeta({ ...info, users });
        else deleted.push(await this.#delete(info.chainId));
      }
      return deleted;
    });
  }

  /** Forgets users not in `live` (a crash between unpacking and recording an image) and deletes unused layers. */
  async reconcile(live: ReadonlySet<string>): Promise<Digest[]> {
    return this.#lock(async () => {
      const deleted: Digest[] = [];
      for (const info of this.list()) {
        const users = info.users.filter((u) => live.has(u));
        if (users.length === 0) deleted.push(await this.#delete(info.chainId));
        else if (users.length !== info.users.length) await this.#writeMeta({ ...info, users });
      }
      return deleted;
    });
  }

  async #unpack(
    source: string | Readable | Buffer,
    parent: Digest | undefined,
    opts: UnpackOptions & { user: string; diffId?: string },
  ): Promise<LayerInfo> {
    const { user, diffId, folder, ...rest } = opts;
    const work = join(this.root, `.ingest-${randomBytes(8).toString('hex')}`);
    await mkdir(work, { mode: 0o755 });
    try {
      // The folder goes in under the ingest name like an unpacked one: a crash before the last rename leaves an
      // `.ingest-*` that open() removes, never a layer that looks complete.
      const movable = folder !== undefined && diffId !== undefined && rest.trustDiffId === true;
      const moved =
        movable && (await lstatOrNull(folder.path))?.isDirectory() === true // a folder, not a symlink to one
          ? await rename(folder.path, join(work, 'diff')).then(
              () => ({ diffId: parseDigest(diffId, 'diffID'), size: folder.size }),
              () => undefined, // another file system, or it went away: unpacked from the tar instead
            )
          : undefined;
      if (moved !== undefined && typeof source === 'object' && !Buffer.isBuffer(source)) source.destroy();
      const stream = (): Readable | Buffer => (typeof source === 'string' ? createReadStream(source) : source);
      const result = moved ?? (await extractLayer(stream(), join(work, 'diff'), { expectedDiffId: diffId, ...rest }));
      const chainId = chainIdOf(parent, result.diffId);
      return await this.#lock(async () => {
        const existing = this.#layers.get(chainId);
        if (existing !== undefined) {
          await rm(work, { recursive: true, force: true });
          return this.#addUser(existing, user);
        }
        const info: LayerInfo = { chainId, diffId: result.diffId, parent, size: result.size, users: [user] };
        await writeFileAtomic(join(work, 'meta.json'), JSON.stringify(info));
        await rename(work, this.#dir(chainId));
        await syncDir(this.root);
        this.#layers.set(chainId, info);
        return info;
      });
    } catch (e) {
      await rm(work, { recursive: true, force: true });
      throw e;
    }
  }

  async #addUser(info: LayerInfo, user: string): Promise<LayerInfo> {
    if (!info.users.includes(user)) await this.#writeMeta({ ...info, users: [...info.users, user].sort() });
    return this.#need(info.chainId);
  }

  async #writeMeta(info: LayerInfo): Promise<void> {
    await writeFileAtomic(join(this.#dir(info.chainId), 'meta.json'), JSON.stringify(info));
    this.#layers.set(info.chainId, info);
  }

  async #delete(chainId: Digest): Promise<Digest> {
    const doomed = join(this.root, `.deleting-${randomBytes(8).toString('hex')}`);
    await rename(this.#dir(chainId), doomed);
    this.#layers.delete(chainId);
    await rm(doomed, { recursive: true, force: true });
    return chainId;
  }

  #dir(chainId: Digest): string {
    return join(this.root, digestHex(chainId));
  }

  #need(chainId: string): LayerInfo {
    const info = this.#layers.get(parseDigest(chainId, 'chainID'));
    if (info !== undefined) return info;
    throw new EngineError('not-found', 'ENGINE_LAYER_NOT_FOUND', `layer "${chainId}" is not in the layer store`);
  }
}

/** How ensure may make a layer it has to make (see ensure). */
interface UnpackOptions {
  linkFrom?: string;
  trustDiffId?: boolean;
  headers?: readonly Header[];
  folder?: LayerFolder;
}

function readMeta(dir: string): LayerInfo {
  try {
    return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as LayerInfo;
  } catch (e) {
    throw new EngineError('internal', 'ENGINE_STORE_CORRUPT', `layer "${dir}" has no readable meta.json`, {
      hint: 'the layer store was changed by hand; remove that folder and load the images that used it again',
      cause: e,
    });
  }
}
