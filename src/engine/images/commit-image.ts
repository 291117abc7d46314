// A new image on top of another: the step of a build (or a commit) with its one new layer, or with none for a step
// that only changes settings. Records come back untagged and not yet in the index, as install-image.ts's do.
import { randomBytes } from 'node:crypto';
import type { Header } from 'tar-stream';
import { EngineError } from '../errors.js';
import type { Digest } from '../content/digest.js';
import type { LayerFolder } from '../layers/layer-store.js';
import type { ContainerConfig, HistoryEntry, ImageConfig } from './image-config.js';
import { hostArchitecture } from './image-config.js';
import type { ImageRecord } from './image-index.js';
import { type Stores, layerMediaType } from './install-image.js';

/**
 * What to commit. `parent`: the image below (none for a step on `scratch`). `layer`: a plain tar changeset file (moved into the content store),
 * or none when the step changed no file (its history entry is then `empty_layer`). `config`: the new image's
 * container settings, whole (not a change to the parent's). `buildKey`: what a build's cache finds the image by.
 */
/**
 * A layer tar berthd wrote itself (writeLayerTar), never one from outside: its sha256 and size as hashed while it
 * was written (neither store reads it again to hash it), and what lets the layer store skip the unpack: `headers`
 * with `files` (the tar's regular files as hard links, `linkInto`: unpacked without parsing the tar), or `settled`
 * (a build step's upper folder made the tar's unpack: renamed into place).
 */
export interface CommitLayer {
  file: string;
  digest: Digest;
  size: number;
  headers?: readonly Header[];
  files?: string;
  settled?: LayerFolder;
}

export interface CommitInput {
  parent?: ImageRecord;
  layer?: CommitLayer;
  config: ContainerConfig;
  history: HistoryEntry;
  author?: string;
  buildKey?: string;
}

/** Stores the layer (if any) and the config; the new image holds its layers. On failure nothing stays held. */
export async function commitImage(stores: Stores, input: CommitInput): Promise<ImageRecord> {
  const { parent } = input;
  const created = input.history.created ?? new Date().toISOString();
  const parentChain = parent?.chainIds ?? [];
  const token = `commit-${randomBytes(8).toString('hex')}`; // holds a new layer until the image ID is known
  let layer: { chainId: Digest; diffId: Digest; size: number; blob: { digest: Digest; size: number } } | undefined;
  if (input.layer !== undefined) {
    const written = input.layer;
    const blob = await stores.content.ingestFile(written.file, written);
    const info = await stores.layers.ensure(stores.content.path(blob.digest), parentChain.at(-1), {
      diffId: blob.digest, // an uncompressed layer's diffID is its digest
      user: token,
      linkFrom: written.files,
      trustDiffId: true,
      headers: written.headers,
      folder: written.settled,
    });
    layer = { chainId: info.chainId, diffId: info.diffId, size: info.size, blob };
  }
  try {
    const base = parent?.config;
    const config: ImageConfig = {
      architecture: base?.architecture ?? hostArchitecture(),
      os: base?.os ?? 'linux',
      ...(base?.variant === undefined ? {} : { variant: base.variant }),
      created,
      ...(input.author ? { author: input.author } : {}),
      config: input.config,
      rootfs: { type: 'layers', diff_ids: [...(base?.rootfs.diff_ids ?? []), ...(layer ? [layer.diffId] : [])] },
      history: [...(base?.history ?? []), { ...input.history, created, ...(layer ? {} : { empty_layer: true }) }],
    };
    const { digest: id } = await stores.content.ingest(Buffer.from(JSON.stringify(config)));
    const chainIds = [...parentChain, ...(layer ? [layer.chainId] : [])];
    for (const chainId of chainIds) await stores.layers.acquire(chainId, id);
    const layers = [...(parent?.layers ?? [])];
    if (layer) layers.push({ ...layer.blob, mediaType: layerMediaType(stores.content.path(layer.blob.digest)) });
    const size = chainIds.reduce((n, c) => n + (stores.layers.get(c)?.size ?? 0), 0);
    return {
      id,
      repoTags: [],
      repoDigests: [],
      created,
      size,
      config,
      chainIds,
      layers,
      ...(parent ? { parent: parent.id } : {}),
      ...(input.buildKey ? { buildKey: input.buildKey } : {}),
    };
  } catch (e) {
    throw e instanceof EngineError
      ? e
      : new EngineError('internal', 'ENGINE_COMMIT_FAILED', `committing the image failed: ${String(e)}`, { cause: e });
  } finally {
    if (layer) await stores.layers.release([layer.chainId], token);
  }
}
