// berthd's side of `docker pull`, `docker push`, `docker login` and `GET /distribution`: references and credentials
// in, a registry session opened per operation (tokens shared through one cache), the image store updated only once
// everything is verified and unpacked.
import type { Digest } from '../content/digest.js';
import { EngineError } from '../errors.js';
import { blobStream } from '../registry/blobs.js';
import type { RegistryConfig } from '../registry/endpoints.js';
import { fetchManifest } from '../registry/manifest-io.js';
import { type Platform, parsePlatform } from '../registry/manifests.js';
import { type Credentials, RegistryClient } from '../registry/registry-client.js';
import { TokenCache } from '../registry/token-cache.js';
import { readAll } from '../registry/http-transport.js';
import { hostArchitecture } from './image-config.js';
import type { ImageStore } from './image-store.js';
import { type ProgressEvent, pullImage } from './pull-image.js';
import { pushImage } from './push-image.js';
import { type ImageReference, familiarName, parseReference } from './reference.js';

export type { Credentials } from '../registry/registry-client.js';
export type { ProgressEvent } from './pull-image.js';

export interface PullRequest {
  ref: string;
  platform?: string;
  credentials?: Credentials;
  onProgress: (e: ProgressEvent) => void;
}

export interface PullOutcome {
  /** The familiar reference pulled: localhost:5000/app:1 or name@sha256:... */
  name: string;
  id: Digest;
  digest: Digest;
  /** False when the tag already named this image. */
  updated: boolean;
}

export class RegistryImages {
  readonly #images: ImageStore;
  readonly #config: RegistryConfig;
  readonly #tokens = new TokenCache();

  constructor(images: ImageStore, config: RegistryConfig) {
    this.#images = images;
    this.#config = config;
  }

  async pull(req: PullRequest): Promise<PullOutcome> {
    const ref = withDefaultTag(parseReference(req.ref));
    const platform = req.platform ? parsePlatform(req.platform) : hostPlatform();
    const { registry, repo } = split(ref.name);
    const name = ref.digest ? `${familiarName(ref.name)}@${ref.digest}` : `${familiarName(ref.name)}:${ref.tag}`;
    req.onProgress({ id: ref.digest ?? ref.tag, status: `Pulling from ${repo}` });
    const client = await this.#connect(registry, req.credentials);
    const before = this.#images.resolve(name)?.id;
    const pulled = await pullImage(
      {
        stores: this.#images.blobStores(),
        client,
        keep: this.#images.pullKeep,
        existing: (id) => this.#images.list().find((r) => r.id === id),
        onProgress: req.onProgress,
      },
      { repo, reference: ref.digest ?? (ref.tag as string), platform },
    );
    const record = await this.#images.adopt(
      pulled.record,
      {
        ...(ref.digest === undefined ? { tag: name } : {}),
        repoDigest: `${familiarName(ref.name)}@${pulled.manifestDigest}`,
      },
      pulled.blobs,
    );
    return { name, id: record.id, digest: pulled.manifestDigest, updated: before !== record.id };
  }

  /** Pushes the image `name:tag` names (every tag of `name` when tag is empty); returns what each push wrote. */
  async push(
    nameText: string,
    tag: string,
    credentials: Credentials | undefined,
    onProgress: (e: ProgressEvent & { aux?: unknown }) => void,
  ): Promise<void> {
    const ref = parseReference(tag ? `${nameText}:${tag}` : nameText);
    const family = familiarName(ref.name);
    const tags = ref.tag
      ? [ref.tag]
      : this.#images
          .list()
          .flatMap((r) => r.repoTags)
          .filter((t) => t.slice(0, t.lastIndexOf(':')) === family)
          .map((t) => t.slice(t.lastIndexOf(':') + 1));
    const records = tags.map((t) => {
      const record = this.#images.resolve(`${family}:${t}`);
      if (record === undefined) {
        throw new EngineError(
          'not-found',
          'ENGINE_NO_SUCH_IMAGE',
          `An image does not exist locally with the tag: ${family}:${t}`,
          {
            hint: `tag an image first: docker tag <image> ${family}:${t}`,
          },
        );
      }
      return record;
    });
    if (records.length === 0) {
      throw new EngineError(
        'not-found',
        'ENGINE_NO_SUCH_IMAGE',
        `An image does not exist locally with the tag: ${family}`,
      );
    }
    const { registry, repo } = split(ref.name);
    onProgress({ status: `The push refers to repository [${ref.name}]` });
    const client = await this.#connect(registry, credentials);
    for (const [i, record] of records.entries()) {
      const t = tags[i] as string;
      const mountFrom = record.repoDigests
        .map((d) => split(parseReference(d).name))
        .find((p) => p.registry === registry && p.repo !== repo)?.repo;
      const pushed = await pushImage({ stores: this.#images.blobStores(), client, onProgress }, record, {
        repo,
        tag: t,
        ...(mountFrom === undefined ? {} : { mountFrom }),
      });
      await this.#images.adopt(record, { repoDigest: `${family}@${pushed.digest}` });
      onProgress({ status: `${t}: digest: ${pushed.digest} size: ${pushed.size}` });
      onProgress({ status: '', aux: { Tag: t, Digest: pushed.digest, Size: pushed.size } });
    }
  }

  /** `docker login` through berthd: the credentials must be accepted by `serverAddress`. */
  async login(serverAddress: string, credentials: Credentials): Promise<void> {
    const client = await this.#connect(registryOfAddress(serverAddress), credentials);
    await client.checkLogin();
  }

  /** `GET /distribution/{name}/json`: the descriptor the reference resolves to and its platforms. */
  async distribution(refText: string, credentials: Credentials | undefined): Promise<unknown> {
    const ref = withDefaultTag(parseReference(refText));
    const { registry, repo } = split(ref.name);
    const client = await this.#connect(registry, credentials);
    const m = await fetchManifest(client, repo, ref.digest ?? (ref.tag as string));
    const descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
    if (m.manifest.kind === 'index') {
      return {
        Descriptor: descriptor,
        Platforms: m.manifest.manifests.flatMap((d) => (d.platform ? [d.platform] : [])),
      };
    }
    const config = JSON.parse(
      (await readAll(blobStream(client, repo, m.manifest.config), 1 << 20)).toString('utf8'),
    ) as { os?: string; architecture?: string; variant?: string };
    const platform = {
      architecture: config.architecture ?? '',
      os: config.os ?? '',
      ...(config.variant ? { variant: config.variant } : {}),
    };
    return { Descriptor: descriptor, Platforms: [platform] };
  }

  #connect(registry: string, credentials: Credentials | undefined): Promise<RegistryClient> {
    return RegistryClient.connect({
      registry,
      config: this.#config,
      tokens: this.#tokens,
      ...(credentials === undefined ? {} : { credentials }),
    });
  }
}

/** The `X-Registry-Auth` header: base64url JSON of the CLI's AuthConfig; absent or `{}` means anonymous. */
export function decodeRegistryAuth(header: string | undefined): Credentials | undefined {
  if (header === undefined || header === '') return undefined;
  try {
    const doc = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Record<string, unknown>;
    const str = (k: string): string | undefined =>
      typeof doc[k] === 'string' && doc[k] !== '' ? (doc[k] as string) : undefined;
    const creds: Credentials = {};
    for (const k of ['username', 'password', 'identitytoken', 'registrytoken'] as const) {
      const v = str(k);
      if (v !== undefined) creds[k] = v;
    }
    return Object.keys(creds).length === 0 ? undefined : creds;
  } catch (e) {
    throw new EngineError('invalid', 'ENGINE_BAD_REGISTRY_AUTH', 'the X-Registry-Auth header is not base64 JSON', {
      cause: e,
    });
  }
}

/**
 * The credentials a build may use, from the docker CLI's X-Registry-Config header (base64 JSON: server address →
 * auth config): a lookup by image reference, undefined for a registry the header does not name.
 */
export function buildRegistryCredentials(header: string | undefined): (ref: string) => Credentials | undefined {
  if (header === undefined || header === '') return () => undefined;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new EngineError('invalid', 'ENGINE_BAD_REGISTRY_AUTH', 'the X-Registry-Config header is not base64 JSON', {
      cause: e,
    });
  }
  const byRegistry = new Map<string, Credentials | undefined>();
  for (const [address, auth] of Object.entries(doc)) {
    const encoded = Buffer.from(JSON.stringify(auth ?? {})).toString('base64');
    byRegistry.set(registryOfAddress(address), decodeRegistryAuth(encoded));
  }
  return (ref) => byRegistry.get(split(parseReference(ref).name).registry);
}

/** `https://index.docker.io/v1/`, `localhost:5000`, `http://reg:5000/` → the registry as references name it. */
export function registryOfAddress(address: string): string {
  const host = address.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (host === '' || host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'docker.io')
    return 'docker.io';
  return host;
}

function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref;
}

function split(name: string): { registry: string; repo: string } {
  const slash = name.indexOf('/');
  return { registry: name.slice(0, slash), repo: name.slice(slash + 1) };
}

function hostPlatform(): Platform {
  const architecture = hostArchitecture();
  return { os: 'linux', architecture, ...(architecture === 'arm64' ? { variant: 'v8' } : {}) };
}
