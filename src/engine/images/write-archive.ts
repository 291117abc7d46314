// `docker save`: the layout Docker 25+ writes, which is at once a docker-save tarball (manifest.json, read by
// every docker load) and an OCI image layout (oci-layout, index.json, blobs/sha256).
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Pack } from 'tar-stream';
import type { ContentStore } from '../content/content-store.js';
import { type Digest, digestHex, sha256Of } from '../content/digest.js';
import type { ImageRecord } from './image-index.js';
import { type ImageReference, familiarName, familiarTag, qualifiedTag } from './reference.js';

/** An image to save and the tags to save it under (none when it was named by ID). */
export interface SaveItem {
  record: ImageRecord;
  tags: ImageReference[];
}

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const MTIME = new Date(0); // fixed, so that saving an image twice gives the same bytes

/** Writes the archive of `items` to `out` and ends it. */
export async function writeSaveArchive(
  content: ContentStore,
  items: readonly SaveItem[],
  out: Writable,
): Promise<void> {
  const pack = tar.pack();
  const piping = pipeline(pack as unknown as AsyncIterable<Buffer>, out);
  piping.catch(() => undefined); // awaited below; a failing `out` also fails the entries being written
  const written = new Set<Digest>();
  const blob = async (digest: Digest): Promise<void> => {
    if (written.has(digest)) return;
    written.add(digest);
    await addStream(pack, `blobs/sha256/${digestHex(digest)}`, content, digest);
  };
  const index: object[] = [];
  const manifest: object[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  try {
    for (const { record, tags } of items) {
      await blob(record.id);
      for (const layer of record.layers) await blob(layer.digest);
      const ociManifest = Buffer.from(JSON.stringify(manifestOf(record, content.size(record.id))));
      const descriptor = { mediaType: MANIFEST_TYPE, digest: sha256Of(ociManifest), size: ociManifest.length };
      if (!written.has(descriptor.digest))
        await addBuffer(pack, `blobs/sha256/${digestHex(descriptor.digest)}`, ociManifest);
      written.add(descriptor.digest);
      for (const tag of tags) {
        const names = {
          'io.containerd.image.name': qualifiedTag(tag),
          'org.opencontainers.image.ref.name': tag.tag ?? 'latest',
        };
        index.push({ ...descriptor, annotations: names });
        const top = record.layers.at(-1);
        if (top !== undefined)
          (repositories[familiarName(tag.name)] ??= {})[tag.tag ?? 'latest'] = digestHex(top.digest);
      }
      if (tags.length === 0) index.push(descriptor);
      manifest.push({
        Config: `blobs/sha256/${digestHex(record.id)}`,
        RepoTags: tags.length === 0 ? null : tags.map(familiarTag),
        Layers: record.layers.map((l) => `blobs/sha256/${digestHex(l.digest)}`),
      });
    }
    const indexJson = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index };
    await addBuffer(pack, 'index.json', Buffer.from(JSON.stringify(indexJson)));
    await addBuffer(pack, 'manifest.json', Buffer.from(JSON.stringify(manifest)));
    await addBuffer(pack, 'oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
    await addBuffer(pack, 'repositories', Buffer.from(JSON.stringify(repositories)));
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
    throw e;
  }
  await piping;
}

function manifestOf(record: ImageRecord, configSize: number): object {
  return {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: record.id,
      size: configSize,
    },
    layers: record.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
}

function addBuffer(pack: Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, mtime: MTIME, mode: 0o644 }, data, (err) => (err ? reject(err) : resolve()));
  });
}

function addStream(pack: Pack, name: string, content: ContentStore, digest: Digest): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry({ name, size: content.size(digest), mtime: MTIME, mode: 0o644 }, (err) =>
      err ? reject(err) : resolve(),
    );
    const source = content.stream(digest);
    source.on('error', (e) => {
      sink.destroy(e);
      reject(e);
    });
    source.pipe(sink as unknown as Writable);
  });
}
