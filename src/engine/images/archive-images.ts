// Which images an archive holds: from manifest.json (docker save, every version) or else from index.json
// (an OCI image layout), with every digest the archive states checked against the staged content.
import { posix } from 'node:path';
import type { BlobInfo, ContentStore } from '../content/content-store.js';
import { type Digest, isDigest } from '../content/digest.js';
import { EngineError } from '../errors.js';
import { hostArchitecture } from './image-config.js';
import { type ImageReference, parseReference } from './reference.js';
import { type StagedArchive, archiveFile } from './stage-archive.js';

/** One image of an archive: its config blob, its layer blobs (lowest first) and the references to tag it with. */
export interface ArchiveImage {
  config: BlobInfo;
  layers: BlobInfo[];
  refs: ImageReference[];
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

export async function readArchiveImages(content: ContentStore, staged: StagedArchive): Promise<ArchiveImage[]> {
  if (staged.files.has('manifest.json')) return readDockerManifest(content, staged);
  if (staged.files.has('index.json')) return readOciIndex(content, staged);
  throw invalid('the archive has neither manifest.json (docker save) nor index.json (OCI image layout)');
}

async function readDockerManifest(content: ContentStore, staged: StagedArchive): Promise<ArchiveImage[]> {
  type Item = { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
  const manifest = await content.readJson<Item[]>(archiveFile(staged, 'manifest.json', 'file').digest);
  if (!Array.isArray(manifest)) throw invalid('manifest.json is not a list');
  return manifest.map((item) => {
    if (typeof item?.Config !== 'string' || !isStringList(item.Layers)) {
      throw invalid('manifest.json has an entry without Config or Layers');
    }
    const tags = item.RepoTags === null || item.RepoTags === undefined ? [] : item.RepoTags;
    if (!isStringList(tags)) throw invalid('manifest.json has RepoTags that are not strings');
    return {
      config: verifiedByPath(staged, item.Config, 'config'),
      layers: item.Layers.map((path) => verifiedByPath(staged, path, 'layer')),
      refs: tags.map((tag) => parseReference(tag)),
    };
  });
}

/** Paths named after a digest (blobs/sha256/<hex>, <hex>.json) must hold content with that digest. */
function verifiedByPath(staged: StagedArchive, path: string, what: string): BlobInfo {
  const blob = archiveFile(staged, path, what);
  const normal = posix.normalize(path);
  const named = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(normal)?.[1] ?? /^([0-9a-f]{64})\.json$/.exec(normal)?.[1];
  if (named !== undefined && blob.digest !== `sha256:${named}`) {
    throw mismatch(`${what} "${path}"`, blob.digest);
  }
  return blob;
}

async function readOciIndex(content: ContentStore, staged: StagedArchive): Promise<ArchiveImage[]> {
  const index = await content.readJson<{ manifests?: Descriptor[] }>(archiveFile(staged, 'index.json', 'file').digest);
  if (!Array.isArray(index.manifests)) throw invalid('index.json has no manifests');
  const images = new Map<Digest, ArchiveImage>(); // by manifest digest: one image, several names
  for (const descriptor of index.manifests) {
    const manifestBlob = await resolveManifest(content, staged, descriptor);
    const ref = nameOf(descriptor.annotations ?? {});
    const known = images.get(manifestBlob.digest);
    if (known !== undefined) {
      if (ref !== undefined) known.refs.push(ref);
      continue;
    }
    type Manifest = { config?: Descriptor; layers?: Descriptor[] };
    const manifest = await content.readJson<Manifest>(manifestBlob.digest);
    if (manifest.config === undefined || !Array.isArray(manifest.layers))
      throw invalid('a manifest has no config or layers');
    images.set(manifestBlob.digest, {
      config: blobOf(staged, manifest.config),
      layers: manifest.layers.map((layer) => blobOf(staged, layer)),
      refs: ref === undefined ? [] : [ref],
    });
  }
  return [...images.values()];
}

/** Follows nested indexes (multi-platform images) down to the manifest for this machine's platform. */
async function resolveManifest(
  content: ContentStore,
  staged: StagedArchive,
  descriptor: Descriptor,
): Promise<BlobInfo> {
  const blob = blobOf(staged, descriptor);
  if (!INDEX_TYPES.has(descriptor.mediaType ?? '')) return blob;
  const nested = await content.readJson<{ manifests?: Descriptor[] }>(blob.digest);
  const arch = hostArchitecture();
  const match = (nested.manifests ?? []).find(
    (m) => m.platform?.os === 'linux' && m.platform.architecture === arch && !INDEX_TYPES.has(m.mediaType ?? ''),
  );
  if (match === undefined) throw invalid(`the archive has no image for linux/${arch}`);
  return blobOf(staged, match);
}

/** The blob a descriptor names, checked against the descriptor's digest and size. */
function blobOf(staged: StagedArchive, descriptor: Descriptor): BlobInfo {
  if (!isDigest(descriptor.digest))
    throw invalid(`a descriptor has the unsupported digest "${String(descriptor.digest)}"`);
  const path = `blobs/sha256/${descriptor.digest.slice('sha256:'.length)}`;
  const blob = archiveFile(staged, path, 'blob');
  if (blob.digest !== descriptor.digest) throw mismatch(`blob "${path}"`, blob.digest);
  if (descriptor.size !== undefined && descriptor.size !== blob.size) {
    throw invalid(`blob "${path}" has ${blob.size} bytes, its descriptor says ${descriptor.size}`);
  }
  return blob;
}

/** containerd's full name, else an OCI ref.name that is a whole reference (a bare tag like "latest" is not). */
function nameOf(annotations: Record<string, string>): ImageReference | undefined {
  const full = annotations['io.containerd.image.name'];
  if (full !== undefined) return parseReference(full);
  const refName = annotations['org.opencontainers.image.ref.name'];
  if (refName !== undefined && /[/:]/.test(refName)) return parseReference(refName);
  return undefined;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function invalid(message: string): EngineError {
  return new EngineError('invalid', 'ENGINE_ARCHIVE_INVALID', message, {
    hint: 'export the image again with docker save, or as an OCI image layout',
  });
}

function mismatch(what: string, actual: string): EngineError {
  return new EngineError(
    'invalid',
    'ENGINE_DIGEST_MISMATCH',
    `${what} has the digest "${actual}", not the one its name states`,
    {
      hint: 'the archive is corrupted; export it again',
    },
  );
}
