// Manifests as registries serve them: Docker schema 2 and OCI image manifests, Docker manifest lists and OCI
// indexes (one is picked by platform), and schema 1, which is refused. Pure: bytes and a content type in, data out.
import { type Digest, isDigest } from '../content/digest.js';
import { EngineError } from '../errors.js';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

/** What berthd asks for, in its order of preference (schema 1 is left out, so registries that can convert do). */
export const ACCEPT_MANIFESTS = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  platform?: Platform;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export type Manifest =
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] }
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] };

/** Parses a manifest; `contentType` is the registry's header, the document's own mediaType wins when present. */
export function parseManifest(bytes: Buffer, contentType: string | undefined, where: string): Manifest {
  const bad = (why: string): EngineError =>
    new EngineError('invalid', 'ENGINE_MANIFEST_INVALID', `manifest of ${where} ${why}`, {
      hint: 'the registry serves a manifest berthd cannot use; push the image again with a current docker',
    });
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw bad('is not JSON');
  }
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : (contentType ?? '').split(';')[0]?.trim();
  if (
    doc.schemaVersion === 1 ||
    /^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/.test(mediaType ?? '')
  ) {
    throw new EngineError(
      'invalid',
      'ENGINE_MANIFEST_SCHEMA1',
      `${where} has a Docker schema 1 manifest, which berthd does not pull`,
      { hint: 'schema 1 was removed from Docker; push the image again with a current docker to get schema 2' },
    );
  }
  if (Array.isArray(doc.manifests)) {
    return { kind: 'index', mediaType: mediaType || MEDIA.ociIndex, manifests: doc.manifests.map(descriptor) };
  }
  if (doc.config !== undefined && Array.isArray(doc.layers)) {
    return {
      kind: 'image',
      mediaType: mediaType || MEDIA.ociManifest,
      config: descriptor(doc.config),
      layers: doc.layers.map(descriptor),
    };
  }
  throw bad(`has the unknown media type "${mediaType ?? ''}"`);

  function descriptor(value: unknown): Descriptor {
    const d = value as Partial<Descriptor> | null;
    if (d === null || typeof d !== 'object' || !isDigest(d.digest) || typeof d.size !== 'number' || d.size < 0) {
      throw bad('has a descriptor without a sha256 digest and a size');
    }
    return {
      mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
      digest: d.digest,
      size: d.size,
      ...(d.platform === undefined ? {} : { platform: d.platform }),
    };
  }
}

/** `linux/arm64/v8` → platform; invalid ENGINE_BAD_PLATFORM when it has fewer than two parts. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.toLowerCase().split('/');
  if (!os || !architecture) {
    throw new EngineError('invalid', 'ENGINE_BAD_PLATFORM', `platform "${text}" is not os/arch[/variant]`, {
      hint: 'platforms look like linux/amd64 or linux/arm64/v8',
    });
  }
  return { os, architecture: normalizeArch(architecture), ...(variant ? { variant } : {}) };
}

/**
 * The manifest of an index that fits `want` (containerd's platform matcher, reduced): same os and architecture,
 * and the variant when one is wanted (arm64's v8 is its default). not-found ENGINE_NO_MATCHING_PLATFORM otherwise.
 */
export function selectPlatform(manifests: readonly Descriptor[], want: Platform, where: string): Descriptor {
  const variantOf = (p: Platform): string | undefined =>
    p.variant ?? (normalizeArch(p.architecture) === 'arm64' ? 'v8' : undefined);
  const fits = manifests.filter(
    (m) =>
      m.platform !== undefined &&
      m.platform.os === want.os &&
      normalizeArch(m.platform.architecture) === want.architecture,
  );
  const exact = fits.find((m) => want.variant === undefined || variantOf(m.platform as Platform) === variantOf(want));
  if (exact !== undefined) return exact;
  const offered = manifests
    .map((m) =>
      m.platform ? [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/') : '?',
    )
    .join(', ');
  const wanted = [want.os, want.architecture, want.variant].filter(Boolean).join('/');
  throw new EngineError(
    'not-found',
    'ENGINE_NO_MATCHING_PLATFORM',
    `no matching manifest for ${wanted} in the manifest list entries of ${where} (it has: ${offered || 'none'})`,
    { hint: 'pick one of the platforms the image has with the platform parameter (docker pull --platform)' },
  );
}

function normalizeArch(arch: string): string {
  const names: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm' };
  return names[arch] ?? arch;
}
