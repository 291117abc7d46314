// Turning blobs into an image record: unpacking the layers of a loaded image, or making the one layer and the
// config of an imported root filesystem. Records come back untagged and not yet in the index.
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ContentStore } from '../content/content-store.js';
import { type Digest, isDigest } from '../content/digest.js';
import { EngineError } from '../errors.js';
import { chainIdsOf } from '../layers/chain-id.js';
import { diffIdOf } from '../layers/decompress.js';
import type { LayerStore } from '../layers/layer-store.js';
import type { ArchiveImage } from './archive-images.js';
import { type ContainerConfig, type ImageConfig, hostArchitecture } from './image-config.js';
import type { ImageRecord, LayerBlob } from './image-index.js';

export interface Stores {
  content: ContentStore;
  layers: LayerStore;
}

/** `docker import` settings: the tag, config defaults (Docker's --change, already parsed) and the history comment. */
export interface ImportOptions {
  ref?: string;
  changes?: Partial<ContainerConfig>;
  message?: string;
}

/**
 * Unpacks an archive image's layers (each verified against its diffID) and holds them under the image ID.
 * On failure nothing stays held.
 */
export async function installImage(stores: Stores, image: ArchiveImage): Promise<ImageRecord> {
  const id = image.config.digest;
  const config = checkConfig(await stores.content.readJson<unknown>(id), id, image.layers.length);
  const chainIds = chainIdsOf(config.rootfs.diff_ids);
  const layers: LayerBlob[] = [];
  let size = 0;
  try {
    for (const [i, blob] of image.layers.entries()) {
      const path = stores.content.path(blob.digest);
      // An unpacked layer is not read again, but the blob kept for save must still be the layer it claims to be.
      if (stores.layers.has(chainIds[i] ?? '')) await checkDiffId(path, blob.digest, config.rootfs.diff_ids[i]);
      const info = await stores.layers.ensure(path, chainIds[i - 1], { diffId: config.rootfs.diff_ids[i], user: id });
      size += info.size;
      layers.push({ ...blob, mediaType: layerMediaType(path) });
    }
  } catch (e) {
    await stores.layers.release(chainIds, id);
    throw e;
  }
  return {
    id,
    repoTags: [],
    repoDigests: [],
    created: config.created ?? new Date().toISOString(),
    size,
    config,
    chainIds,
    layers,
  };
}

/** Stores `rootfs` as one layer, writes its config, and holds the layer under the new image ID. */
export async function importImage(stores: Stores, rootfs: Readable, opts: ImportOptions): Promise<ImageRecord> {
  const blob = await stores.content.ingest(rootfs);
  const path = stores.content.path(blob.digest);
  const token = `import-${randomBytes(8).toString('hex')}`; // holds the layer until the image ID is known
  const layer = await stores.layers.ensure(path, undefined, { user: token });
  try {
    const created = new Date().toISOString();
    const config: ImageConfig = {
      architecture: hostArchitecture(),
      os: 'linux',
      created,
      config: { ...opts.changes },
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created, created_by: '', comment: opts.message || 'Imported from -' }],
    };
    const { digest: id } = await stores.content.ingest(Buffer.from(JSON.stringify(config)));
    await stores.layers.acquire(layer.chainId, id);
    const layers = [{ ...blob, mediaType: layerMediaType(path) }];
    return { id, repoTags: [], repoDigests: [], created, size: layer.size, config, chainIds: [layer.chainId], layers };
  } finally {
    await stores.layers.release([layer.chainId], token);
  }
}

/** Layer blobs keep the compression they came with; docker save does not say which, so it is read from the bytes. */
export function layerMediaType(path: string): string {
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  return `application/vnd.oci.image.layer.v1.tar${gzip ? '+gzip' : ''}`;
}

async function checkDiffId(path: string, digest: Digest, diffId: string | undefined): Promise<void> {
  const actual = digest === diffId ? digest : await diffIdOf(createReadStream(path));
  if (actual === diffId) return;
  throw new EngineError('invalid', 'ENGINE_DIFFID_MISMATCH', `layer has diffID "${actual}", expected "${diffId}"`, {
    hint: 'the layer data does not match the image configuration; export the image again',
  });
}

function checkConfig(config: unknown, id: Digest, layerCount: number): ImageConfig {
  const c = config as Partial<ImageConfig> | null;
  const diffIds = c?.rootfs?.diff_ids;
  const bad = (why: string): EngineError =>
    new EngineError('invalid', 'ENGINE_IMAGE_INVALID', `image config "${id}" ${why}`, {
      hint: 'the archive is malformed; export the image again',
    });
  if (c === null || typeof c !== 'object' || c.rootfs?.type !== 'layers') throw bad('has no rootfs of type "layers"');
  if (!Array.isArray(diffIds) || !diffIds.every(isDigest)) throw bad('has rootfs.diff_ids that are not sha256 digests');
  if (diffIds.length !== layerCount) throw bad(`lists ${diffIds.length} diffIDs for ${layerCount} layers`);
  return c as ImageConfig;
}
