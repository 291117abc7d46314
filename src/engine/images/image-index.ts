// The image records of a berthd root, in `<root>/images/index.json`, and the tag bookkeeping over them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../content/digest.js';
import { writeFileAtomicSync } from '../fs/atomic-write.js';
import { EngineError } from '../errors.js';
import type { ImageConfig } from './image-config.js';

/** A layer blob kept in the content store for `save`: plain or gzip tar, as it was loaded. */
export interface LayerBlob {
  digest: Digest;
  mediaType: string;
  size: number;
}

/**
 * One image. `id` is the digest of its config blob; `repoTags` are familiar `name:tag` strings (busybox:latest),
 * each on at most one image; `chainIds` and `layers` are lowest first, one per `config.rootfs.diff_ids` entry;
 * `size` is the bytes of file content of all its layers.
 */
export interface ImageRecord {
  id: Digest;
  repoTags: string[];
  repoDigests: string[];
  created: string;
  size: number;
  config: ImageConfig;
  chainIds: Digest[];
  layers: LayerBlob[];
  parent?: string;
  /** Set on the images a build made for its steps: the cache key of the step (see engine/build/build-cache.ts). */
  buildKey?: string;
  /** When a name was last put on the image (tag, load, build, pull), as dockerd's Metadata.LastTagTime. */
  lastTagTime?: string;
}

interface IndexFile {
  version: 1;
  images: ImageRecord[];
}

export function readIndex(dir: string): Map<Digest, ImageRecord> {
  const file = join(dir, 'index.json');
  if (!existsSync(file)) return new Map();
  const data = JSON.parse(readFileSync(file, 'utf8')) as IndexFile;
  if (data.version !== 1) {
    throw new EngineError(
      'internal',
      'ENGINE_STORE_VERSION',
      `${file} has the unknown version ${String(data.version)}`,
    );
  }
  return new Map(data.images.map((image) => [image.id, image]));
}

/** Replaces index.json atomically; synchronous so that an in-memory change and its write cannot interleave. */
export function writeIndex(dir: string, records: ReadonlyMap<Digest, ImageRecord>): void {
  const data: IndexFile = { version: 1, images: [...records.values()] };
  writeFileAtomicSync(join(dir, 'index.json'), `${JSON.stringify(data, null, 1)}\n`);
}

/**
 * Puts familiar `tag` on `record`, taking it off whichever image had it (as docker tag and docker load do), and
 * notes the time: Compose's daily/weekly/every_ pull policies compare with it.
 */
export function moveTag(records: ReadonlyMap<Digest, ImageRecord>, tag: string, record: ImageRecord): void {
  for (const other of records.values()) {
    if (other !== record) other.repoTags = other.repoTags.filter((t) => t !== tag);
  }
  if (!record.repoTags.includes(tag)) record.repoTags.push(tag);
  record.lastTagTime = new Date().toISOString();
}

/** True when an image has no tag and no digest: `<none>:<none>` in docker images. */
export function isDangling(record: ImageRecord): boolean {
  return record.repoTags.length === 0 && record.repoDigests.length === 0;
}
