// Pushing one image: its layer blobs and config (each checked with HEAD first, mounted from another repository of
// the registry when the image came from one, else uploaded), then a manifest under the tag: Docker schema 2 when
// every layer is gzip (what dockerd pushes), else an OCI image manifest that can say zstd or plain.
import type { Digest } from '../content/digest.js';
import { limitAll } from './limit-all.js';
import { uploadBlob } from '../registry/blobs.js';
import { putManifest } from '../registry/manifest-io.js';
import { MEDIA } from '../registry/manifests.js';
import type { RegistryClient } from '../registry/registry-client.js';
import type { ImageRecord } from './image-index.js';
import type { ProgressEvent } from './pull-image.js';
import type { Stores } from './install-image.js';

export interface PushDeps {
  stores: Stores;
  client: RegistryClient;
  onProgress: (e: ProgressEvent) => void;
  concurrency?: number;
}

export interface PushTarget {
  repo: string;
  tag: string;
  /** Repositories of the same registry the image was pulled from or pushed to: blobs are mounted from there. */
  mountFrom?: string;
}

export interface Pushed {
  digest: Digest;
  size: number;
}

export async function pushImage(deps: PushDeps, record: ImageRecord, target: PushTarget): Promise<Pushed> {
  const { client, stores } = deps;
  const short = (d: string): string => d.slice(7, 19);
  const layers = record.layers;
  for (const l of [...layers].reverse())
    deps.onProgress({ id: short(l.digest), status: 'Preparing', progressDetail: {} });
  const uploads = limitAll(deps.concurrency ?? 5, layers, async (l) => {
    const id = short(l.digest);
    let current = 0;
    let lastReport = 0;
    const onBytes = (n: number): void => {
      current += n;
      if (Date.now() - lastReport < 100 && current < l.size) return;
      lastReport = Date.now();
      deps.onProgress({ id, status: 'Pushing', progressDetail: { current, total: l.size } });
    };
    const path = stores.content.path(l.digest);
    const result = await uploadBlob(
      client,
      target.repo,
      { digest: l.digest, size: l.size, path },
      {
        ...(target.mountFrom === undefined ? {} : { mountFrom: target.mountFrom }),
        onBytes,
      },
    );
    const status = { exists: 'Layer already exists', mounted: `Mounted from ${target.mountFrom}`, pushed: 'Pushed' };
    deps.onProgress({ id, status: status[result.how], progressDetail: {} });
  });
  await Promise.all(uploads);
  const configSize = stores.content.size(record.id);
  await uploadBlob(client, target.repo, { digest: record.id, size: configSize, path: stores.content.path(record.id) });
  const docker = layers.every((l) => /gzip/.test(l.mediaType));
  const manifest = {
    schemaVersion: 2,
    mediaType: docker ? MEDIA.dockerManifest : MEDIA.ociManifest,
    config: { mediaType: docker ? MEDIA.dockerConfig : MEDIA.ociConfig, size: configSize, digest: record.id },
    layers: layers.map((l) => ({
      mediaType: docker ? MEDIA.dockerLayerGzip : l.mediaType,
      size: l.size,
      digest: l.digest,
    })),
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const digest = await putManifest(client, target.repo, target.tag, { bytes, mediaType: manifest.mediaType });
  return { digest, size: bytes.length };
}
