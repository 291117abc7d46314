// Pulling one image: manifest (an index resolved to this machine's platform or the one asked for), config, then the
// layers, downloaded concurrently (bounded) into the content store, each verified against its digest as it is
// written, and unpacked in order as soon as it and the ones below it are there. The record comes back untagged;
// the image store tags it. On failure the unpacked layers are released; verified blobs stay (see PullKeep).
import type { Digest } from '../content/digest.js';
import { isDigest } from '../content/digest.js';
import { EngineError } from '../errors.js';
import { chainIdsOf } from '../layers/chain-id.js';
import { limitAll } from './limit-all.js';
import { blobStream } from '../registry/blobs.js';
import { fetchManifest } from '../registry/manifest-io.js';
import { type Descriptor, MEDIA, type Platform, selectPlatform } from '../registry/manifests.js';
import type { RegistryClient } from '../registry/registry-client.js';
import type { ImageConfig } from './image-config.js';
import type { ImageRecord, LayerBlob } from './image-index.js';
import type { Stores } from './install-image.js';
import type { PullKeep } from './pull-keep.js';

/** One line of dockerd's pull progress: `id` is a layer's short digest or the tag. */
export interface ProgressEvent {
  id?: string;
  status: string;
  progressDetail?: { current?: number; total?: number };
}

export interface PullDeps {
  stores: Stores;
  client: RegistryClient;
  keep: PullKeep;
  /** The stored image with this ID, if any: then nothing is downloaded or unpacked. */
  existing: (id: Digest) => ImageRecord | undefined;
  onProgress: (e: ProgressEvent) => void;
  /** Concurrent layer downloads; dockerd's default is 3. */
  concurrency?: number;
}

export interface PullTarget {
  /** Repository path at the registry: library/busybox. */
  repo: string;
  /** A tag or a digest. */
  reference: string;
  platform: Platform;
}

export interface Pulled {
  record: ImageRecord;
  /** The digest of the manifest (or index) the reference named: what RepoDigests records. */
  manifestDigest: Digest;
  /** Blobs this pull kept, for PullKeep.forget once the image is recorded. */
  blobs: Digest[];
}

export async function pullImage(deps: PullDeps, target: PullTarget): Promise<Pulled> {
  const { client, stores } = deps;
  const top = await fetchManifest(client, target.repo, target.reference);
  let manifest = top.manifest;
  if (manifest.kind === 'index') {
    const where = `${client.registry}/${target.repo}:${target.reference}`;
    const chosen = selectPlatform(manifest.manifests, target.platform, where);
    manifest = (await fetchManifest(client, target.repo, chosen.digest)).manifest;
    if (manifest.kind !== 'image') throw nested(where);
  }
  const image = manifest;
  const id = image.config.digest;
  const found = deps.existing(id);
  if (found !== undefined) return { record: found, manifestDigest: top.digest, blobs: [] };
  const blobs: Digest[] = [id, ...image.layers.map((l) => l.digest)];
  for (const d of blobs) deps.keep.add(d);
  for (const l of image.layers) checkLayerType(l);
  await fetchBlob(deps, target.repo, image.config);
  const config = checkConfig(await stores.content.readJson<unknown>(id), id, image.layers.length);
  const chainIds = chainIdsOf(config.rootfs.diff_ids);
  const short = (d: Descriptor): string => d.digest.slice(7, 19);
  // A layer is skipped only when it is unpacked and its blob is stored too: the record names its blobs (save, push).
  const present = image.layers.map((l, i) => stores.layers.has(chainIds[i] as string) && stores.content.has(l.digest));
  for (const [i, l] of image.layers.entries()) {
    deps.onProgress({ id: short(l), status: present[i] ? 'Already exists' : 'Pulling fs layer', progressDetail: {} });
  }
  const downloads = limitAll(deps.concurrency ?? 3, image.layers, async (l, i) => {
    if (!present[i]) await fetchBlob(deps, target.repo, l, short(l));
  });
  downloads.forEach((p) => p.catch(() => undefined)); // awaited in order below; this only stops unhandled rejections
  const layers: LayerBlob[] = [];
  let size = 0;
  try {
    for (const [i, l] of image.layers.entries()) {
      await downloads[i];
      if (!present[i])
        deps.onProgress({ id: short(l), status: 'Extracting', progressDetail: { current: 0, total: l.size } });
      const info = await stores.layers.ensure(stores.content.path(l.digest), chainIds[i - 1], {
        diffId: config.rootfs.diff_ids[i],
        user: id,
      });
      if (!present[i]) deps.onProgress({ id: short(l), status: 'Pull complete', progressDetail: {} });
      size += info.size;
      layers.push({ digest: l.digest, size: l.size, mediaType: storedLayerType(l.mediaType) });
    }
  } catch (e) {
    await Promise.allSettled(downloads);
    await stores.layers.release(chainIds, id);
    throw e;
  }
  const record: ImageRecord = {
    id,
    repoTags: [],
    repoDigests: [],
    created: config.created ?? new Date().toISOString(),
    size,
    config,
    chainIds,
    layers,
  };
  return { record, manifestDigest: top.digest, blobs };
}

/** Downloads a blob into the content store unless it is there; progress as dockerd reports it when `id` is given. */
async function fetchBlob(deps: PullDeps, repo: string, d: Descriptor, id?: string): Promise<void> {
  const content = deps.stores.content;
  if (content.has(d.digest)) {
    if (id !== undefined) deps.onProgress({ id, status: 'Download complete', progressDetail: {} });
    return;
  }
  let current = 0;
  let lastReport = 0;
  const onBytes = (n: number): void => {
    current += n;
    const now = Date.now();
    if (id === undefined || (now - lastReport < 100 && current < d.size)) return;
    lastReport = now;
    deps.onProgress({ id, status: 'Downloading', progressDetail: { current, total: d.size } });
  };
  try {
    await content.ingest(blobStream(deps.client, repo, d, onBytes), d.digest);
  } catch (e) {
    if (e instanceof EngineError && e.code === 'ENGINE_DIGEST_MISMATCH') {
      throw new EngineError(
        'invalid',
        'ENGINE_DIGEST_MISMATCH',
        `blob ${d.digest} of ${deps.client.registry}/${repo} failed verification: ${e.message}`,
        { hint: 'the registry serves corrupted data for this blob; nothing was tagged', cause: e },
      );
    }
    throw e;
  }
  if (id === undefined) return;
  deps.onProgress({ id, status: 'Verifying Checksum', progressDetail: {} });
  deps.onProgress({ id, status: 'Download complete', progressDetail: {} });
}

function checkLayerType(l: Descriptor): void {
  if (/foreign|nondistributable/.test(l.mediaType)) {
    throw new EngineError('invalid', 'ENGINE_LAYER_FOREIGN', `layer ${l.digest} is a foreign layer (${l.mediaType})`, {
      hint: 'berthd pulls only distributable layers (foreign layers are Windows base images)',
    });
  }
}

/** The OCI media type a layer is kept under: what `docker save` and a push write again. */
function storedLayerType(mediaType: string): string {
  if (/zstd/.test(mediaType)) return MEDIA.ociLayerZstd;
  if (/gzip/.test(mediaType)) return MEDIA.ociLayerGzip;
  return MEDIA.ociLayer;
}

function checkConfig(config: unknown, id: Digest, layerCount: number): ImageConfig {
  const c = config as Partial<ImageConfig> | null;
  const diffIds = c?.rootfs?.diff_ids;
  if (c === null || typeof c !== 'object' || !Array.isArray(diffIds) || !diffIds.every(isDigest)) {
    throw new EngineError('invalid', 'ENGINE_IMAGE_INVALID', `image config "${id}" has no rootfs.diff_ids`);
  }
  if (diffIds.length !== layerCount) {
    throw new EngineError(
      'invalid',
      'ENGINE_IMAGE_INVALID',
      `image config "${id}" lists ${diffIds.length} diffIDs for ${layerCount} layers`,
    );
  }
  return c as ImageConfig;
}

function nested(where: string): EngineError {
  return new EngineError('invalid', 'ENGINE_MANIFEST_INVALID', `manifest list of ${where} names another list`);
}
