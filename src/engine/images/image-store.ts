// berthd's images: records in <root>/images/index.json over the content store (config and layer blobs, for save)
// and the layer store (unpacked layers, for containers). Loading, importing, tagging, removing and saving.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ContentStore } from '../content/content-store.js';
import type { Digest } from '../content/digest.js';
import { type Lock, createLock } from '../content/lock.js';
import { EngineError } from '../errors.js';
import { LayerStore } from '../layers/layer-store.js';
import { readArchiveImages } from './archive-images.js';
import { type HistoryItem, imageHistory } from './image-history.js';
import { type ImageRecord, isDangling, moveTag, readIndex, writeIndex } from './image-index.js';
import { type ImportOptions, type Stores, importImage, installImage } from './install-image.js';
import { PullKeep } from './pull-keep.js';
import { type CommitInput, commitImage } from './commit-image.js';
import { isIdReference, resolveImage } from './resolve-image.js';
import { familiarName, familiarTag, parseReference, repositoryOf } from './reference.js';
import { namesToRemove } from './remove-names.js';
import { stageArchive } from './stage-archive.js';
import { type SaveItem, writeSaveArchive } from './write-archive.js';

export type { ContainerConfig, HistoryEntry, ImageConfig } from './image-config.js';
export type { ImageRecord, LayerBlob } from './image-index.js';
export type { HistoryItem } from './image-history.js';
export type { ImportOptions } from './install-image.js';
export type { CommitInput } from './commit-image.js';

export interface ImageStoreOptions {
  /** Whether a container uses the image; such an image is never deleted, only untagged (with force). */
  isInUse?: (imageId: string) => boolean;
}

/** What `docker rmi` reports: familiar references untagged, then the image ID and the layer ChainIDs deleted. */
export interface RemoveResult {
  untagged: string[];
  deleted: string[];
}

/** What `docker image prune` reports, in the Engine API's shape. */
export interface PruneReport {
  ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }>;
  SpaceReclaimed: number;
}

/**
 * The images of a berthd root. Invariants: index.json is replaced atomically and lists only images whose layers are
 * all unpacked and whose blobs are all stored; a tag names at most one image; a layer or blob is deleted exactly
 * when no image needs it; a failed load or import changes nothing. The content store holds image blobs only:
 * `open` deletes blobs and layers no image needs (what a crash can leave). Mutations are serialized.
 */
export class ImageStore {
  readonly root: string;
  readonly #content: ContentStore;
  readonly #layers: LayerStore;
  readonly #records: Map<Digest, ImageRecord>;
  readonly #isInUse: (imageId: string) => boolean;
  readonly #lock: Lock = createLock();
  /** Blobs of pulls not recorded yet: kept by every cleanup (a re-pull does not download them again). */
  readonly pullKeep: PullKeep;
  /**
   * Build steps by parent and build key, the newest of each (records are kept in commit order, so the last one of
   * a key wins: after `build --no-cache`, the next build continues the chain it made, not an older one); built on
   * demand, dropped when images go.
   */
  #buildSteps: Map<string, ImageRecord> | undefined;

  private constructor(root: string, parts: { content: ContentStore; layers: LayerStore } & ImageStoreOptions) {
    this.root = join(root, 'images');
    this.#content = parts.content;
    this.#layers = parts.layers;
    this.#records = readIndex(this.root);
    this.#isInUse = parts.isInUse ?? (() => false);
    this.pullKeep = new PullKeep(this.root);
  }

  static async open(root: string, opts: ImageStoreOptions = {}): Promise<ImageStore> {
    await mkdir(join(root, 'images'), { recursive: true });
    const parts = { content: await ContentStore.open(root), layers: await LayerStore.open(root) };
    const store = new ImageStore(root, { ...parts, ...opts });
    await store.#layers.reconcile(new Set(store.#records.keys()));
    await store.#dropUnusedBlobs(store.#content.list());
    return store;
  }

  list(): ImageRecord[] {
    return [...this.#records.values()];
  }

  /** The image `ref` names (busybox, busybox:latest, docker.io/library/busybox:latest, an ID or ID prefix), if any. */
  resolve(ref: string): ImageRecord | undefined {
    return resolveImage(this.#records, ref);
  }

  /** Loads a `docker save` tarball (any Docker version) or an OCI image-layout archive; returns the loaded names. */
  async load(archive: Readable): Promise<{ loaded: string[] }> {
    return this.#lock(async () => {
      const before = new Set(this.#content.list());
      const added = new Map<Digest, ImageRecord>();
      try {
        const images = await readArchiveImages(this.#content, await stageArchive(this.#content, archive));
        for (const image of images) {
          const id = image.config.digest;
          if (!this.#records.has(id) && !added.has(id)) added.set(id, await installImage(this.#stores(), image));
        }
        const loaded: string[] = [];
        for (const [id, record] of added) this.#records.set(id, record);
        this.#buildSteps = undefined;
        for (const image of images) {
          const record = this.#need(image.config.digest);
          for (const ref of image.refs) moveTag(this.#records, familiarTag(ref), record);
          loaded.push(...(image.refs.length === 0 ? [record.id] : image.refs.map(familiarTag)));
        }
        writeIndex(this.root, this.#records);
        return { loaded };
      } catch (e) {
        for (const record of added.values()) this.#records.delete(record.id);
        this.#buildSteps = undefined;
        for (const record of added.values()) await this.#layers.release(record.chainIds, record.id);
        throw e;
      } finally {
        await this.#dropUnusedBlobs(this.#content.list().filter((d) => !before.has(d)));
      }
    });
  }

  /**
   * Records a pulled image (unless one with its ID is there) under `tag` and `repoDigest` (familiar
   * `name@sha256:...`); the pull's kept blobs are then the image's. A record that is already there is returned.
   */
  async adopt(
    pulled: ImageRecord,
    names: { tag?: string; repoDigest?: string },
    blobs: Digest[] = [],
  ): Promise<ImageRecord> {
    return this.#lock(async () => {
      const record = this.#records.get(pulled.id) ?? pulled;
      this.#records.set(record.id, record);
      this.#buildSteps = undefined;
      if (names.tag !== undefined) moveTag(this.#records, this.#tagReference(names.tag), record);
      const digestRef = names.repoDigest;
      if (digestRef !== undefined && !record.repoDigests.includes(digestRef)) {
        const repo = repositoryOf(digestRef);
        record.repoDigests = [...record.repoDigests.filter((d) => repositoryOf(d) !== repo), digestRef];
      }
      writeIndex(this.root, this.#records);
      this.pullKeep.forget(blobs);
      return record;
    });
  }

  /** The content and layer stores, for pulls and pushes, which work on them outside the store's lock. */
  blobStores(): Stores {
    return this.#stores();
  }

  /** `docker import`: a one-layer image from a root filesystem tar (plain or gzip), tagged `ref` if given. */
  async importRootfs(rootfs: Readable, opts: ImportOptions = {}): Promise<ImageRecord> {
    const ref = opts.ref === undefined ? undefined : this.#tagReference(opts.ref);
    return this.#lock(async () => {
      const before = new Set(this.#content.list());
      try {
        const imported = await importImage(this.#stores(), rootfs, opts);
        const record = this.#records.get(imported.id) ?? imported;
        this.#records.set(record.id, record);
        this.#buildSteps = undefined;
        if (ref !== undefined) moveTag(this.#records, ref, record);
        writeIndex(this.root, this.#records);
        return record;
      } finally {
        await this.#dropUnusedBlobs(this.#content.list().filter((d) => !before.has(d)));
      }
    });
  }

  /**
   * A new image on `input.parent` (a build step, or docker commit), recorded untagged unless `tags` are given
   * (moved from whichever image had them). Committing an image that exists (same config) returns that record.
   */
  async commit(input: CommitInput, tags: readonly string[] = []): Promise<ImageRecord> {
    const refs = tags.map((t) => this.#tagReference(t));
    return this.#lock(async () => {
      const before = new Set(this.#content.list());
      try {
        const committed = await commitImage(this.#stores(), input);
        const record = this.#records.get(committed.id) ?? committed;
        // Moved to the end: the order of the records is the order of their last commit (newest step wins).
        this.#records.delete(record.id);
        this.#records.set(record.id, record);
        this.#indexBuildStep(record);
        for (const ref of refs) moveTag(this.#records, ref, record);
        writeIndex(this.root, this.#records);
        return record;
      } finally {
        await this.#dropUnusedBlobs(this.#content.list().filter((d) => !before.has(d)));
      }
    });
  }

  /** Tags an image with several references at once (a build's `-t` flags). */
  tagAll(ref: string, newRefs: readonly string[]): void {
    const record = this.#need(ref);
    for (const newRef of newRefs) moveTag(this.#records, this.#tagReference(newRef), record);
    writeIndex(this.root, this.#records);
  }

  /** The image a build made for the step `buildKey` on `parentId` (none: on scratch), if it is still there. */
  findBuildStep(parentId: string | undefined, buildKey: string): ImageRecord | undefined {
    if (this.#buildSteps === undefined) {
      this.#buildSteps = new Map();
      for (const r of this.#records.values()) this.#indexBuildStep(r);
    }
    return this.#buildSteps.get(buildStepKey(parentId, buildKey));
  }

  /** Makes `record` the image of its build step in the index (if the index is built): the newest wins. */
  #indexBuildStep(record: ImageRecord): void {
    if (this.#buildSteps === undefined || record.buildKey === undefined) return;
    this.#buildSteps.set(buildStepKey(record.parent, record.buildKey), record);
  }

  /** Whether another image was made on top of this one (docker images hides such untagged intermediates). */
  hasChildren(imageId: string): boolean {
    const record = this.#records.get(imageId as Digest);
    return record !== undefined && this.#hasChildren(record);
  }

  /**
   * `docker save`: writes the images to `out` in the layout of Docker 25+, which every docker load accepts. A name
   * without a tag saves every tag of that repository; an ID saves the image untagged.
   */
  async save(refs: readonly string[], out: Writable): Promise<void> {
    const items = new Map<Digest, SaveItem>();
    const add = (record: ImageRecord, tag?: string): void => {
      const item = items.get(record.id) ?? { record, tags: [] };
      items.set(record.id, item);
      if (tag !== undefined && !item.tags.some((t) => familiarTag(t) === tag)) item.tags.push(parseReference(tag));
    };
    for (const ref of refs) {
      const record = this.#need(ref);
      if (isIdReference(ref, record)) add(record);
      else {
        const parsed = parseReference(ref);
        if (parsed.digest !== undefined) add(record);
        else if (parsed.tag !== undefined) add(record, familiarTag(parsed));
        else
          for (const other of this.#records.values())
            for (const tag of other.repoTags) {
              if (repositoryOf(tag) === familiarName(parsed.name)) add(other, tag);
            }
      }
    }
    await writeSaveArchive(this.#content, [...items.values()], out);
  }

  /** `docker tag`: `newRef` (a tag is added if missing) now names the image `ref` names. */
  tag(ref: string, newRef: string): void {
    const record = this.#need(ref);
    moveTag(this.#records, this.#tagReference(newRef), record);
    writeIndex(this.root, this.#records);
  }

  /**
   * `docker rmi` semantics: a name is untagged, and the image deleted with its last name; an ID deletes the image,
   * untagging all its names. Refused with conflict ENGINE_IMAGE_IN_USE when a container uses it, unless `force`:
   * then the names go but the image stays (dangling) while a container uses it. Blobs and layers that no other
   * image needs are deleted with it.
   */
  async remove(ref: string, opts: { force?: boolean } = {}): Promise<RemoveResult> {
    return this.#lock(async () => {
      const record = this.#need(ref);
      const force = opts.force === true;
      const inUse = this.#isInUse(record.id);
      const untagged = namesToRemove(record, ref, { force, inUse });
      record.repoTags = record.repoTags.filter((t) => !untagged.includes(t));
      record.repoDigests = record.repoDigests.filter((d) => !untagged.includes(d));
      if (!isDangling(record) || inUse || this.#hasChildren(record)) {
        writeIndex(this.root, this.#records);
        return { untagged, deleted: [] };
      }
      return { untagged, deleted: await this.#deleteWithBuildParents(record) };
    });
  }

  /**
   * `docker image prune`: deletes dangling images (all unused ones with `dangling: false`) no container uses, with
   * the untagged build steps below them. `buildStepsOnly`: only a build's step images that no image builds on
   * (`docker builder prune`); the steps of an image that exists stay, as they are its parent chain.
   */
  async prune(opts: { dangling?: boolean; buildStepsOnly?: boolean } = {}): Promise<PruneReport> {
    return this.#lock(async () => {
      const report: PruneReport = { ImagesDeleted: [], SpaceReclaimed: 0 };
      for (const record of [...this.#records.values()]) {
        if (opts.dangling !== false && !isDangling(record)) continue;
        if (opts.buildStepsOnly === true && record.buildKey === undefined) continue;
        if (!this.#records.has(record.id) || this.#isInUse(record.id) || this.#hasChildren(record)) continue;
        for (const name of [...record.repoTags, ...record.repoDigests]) report.ImagesDeleted.push({ Untagged: name });
        const sizes = new Map<string, number>(record.chainIds.map((c) => [c, this.#layers.get(c)?.size ?? 0]));
        for (const deleted of await this.#deleteWithBuildParents(record)) {
          report.ImagesDeleted.push({ Deleted: deleted });
          report.SpaceReclaimed += sizes.get(deleted) ?? 0;
        }
      }
      return report;
    });
  }

  /** `docker history`, newest first; not-found ENGINE_NO_SUCH_IMAGE for an unknown ref. */
  history(ref: string): HistoryItem[] {
    return imageHistory(this.#need(ref), (chainId) => this.#layers.get(chainId)?.size ?? 0);
  }

  /** The unpacked layers of an image, lowest first (overlayfs wants them the other way round in lowerdir). */
  rootfsLayers(imageId: string): string[] {
    return this.#need(imageId).chainIds.map((chainId) => this.#layers.diffDir(chainId));
  }

  #stores(): Stores {
    return { content: this.#content, layers: this.#layers };
  }

  #need(ref: string): ImageRecord {
    const record = this.#records.get(ref as Digest) ?? this.resolve(ref);
    if (record !== undefined) return record;
    throw new EngineError('not-found', 'ENGINE_NO_SUCH_IMAGE', `No such image: ${ref}`, {
      hint: 'pull it with docker pull, or load it with docker load or docker import',
    });
  }

  /** A reference to tag with: familiar name:tag, never a digest. */
  #tagReference(ref: string): string {
    const parsed = parseReference(ref);
    if (parsed.digest !== undefined) {
      throw new EngineError(
        'invalid',
        'ENGINE_BAD_REFERENCE',
        `refusing to create a tag with a digest reference: "${ref}"`,
      );
    }
    return familiarTag(parsed);
  }

  #hasChildren(record: ImageRecord): boolean {
    return [...this.#records.values()].some((r) => r.parent === record.id);
  }

  /** Forgets the image (index first, so a crash cannot leave it pointing at deleted data), then frees its data. */
  async #delete(record: ImageRecord): Promise<string[]> {
    this.#records.delete(record.id);
    this.#buildSteps = undefined;
    writeIndex(this.root, this.#records);
    const layers = await this.#layers.release(record.chainIds, record.id);
    await this.#dropUnusedBlobs([record.id, ...record.layers.map((l) => l.digest)]);
    return [record.id, ...layers];
  }

  /**
   * Deletes the image, then the untagged build steps below it that nothing else uses, as dockerd deletes a built
   * image's intermediate images with it.
   */
  async #deleteWithBuildParents(record: ImageRecord): Promise<string[]> {
    const deleted = await this.#delete(record);
    let parent = record.parent === undefined ? undefined : this.#records.get(record.parent as Digest);
    while (
      parent?.buildKey !== undefined &&
      isDangling(parent) &&
      !this.#isInUse(parent.id) &&
      !this.#hasChildren(parent)
    ) {
      deleted.push(...(await this.#delete(parent)));
      parent = parent.parent === undefined ? undefined : this.#records.get(parent.parent as Digest);
    }
    return deleted;
  }

  /** Deletes those of `candidates` that no image references. */
  async #dropUnusedBlobs(candidates: readonly Digest[]): Promise<void> {
    const used = new Set<string>();
    for (const r of this.#records.values()) for (const d of [r.id, ...r.layers.map((l) => l.digest)]) used.add(d);
    for (const digest of candidates)
      if (!used.has(digest) && !this.pullKeep.has(digest)) await this.#content.delete(digest);
  }
}

/** The index key of a build step: JSON, so that no parent ID or key can run into the other. */
function buildStepKey(parentId: string | undefined, buildKey: string): string {
  return JSON.stringify([parentId ?? null, buildKey]);
}
