// Images of the in-memory engine: the ones a test declares, tags, and dockerd's removal rules (a tag of an
// image with other tags is only untagged; an image a container uses is a conflict unless forced, and always
// while that container runs). Pull, push, load and build "succeed" by recording: pull and build add an image,
// load reads the names and configs of a `docker save` archive.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { readTarFiles } from './tar-files.js';
import type { EngineClient, ImageDetails, ImageSummary } from '../types.js';
import { buildImage } from './build.js';
import { imageFiles } from './container-files.js';
import { matchesLabels } from './filters.js';
import { isRunning } from './network-attach.js';
import type { ImageRecord, MemoryImageSpec, MemoryState } from './state.js';
import { engineError, normalizeTag } from './state.js';

const DEFAULT_CONFIG = { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] };

/** Adds (or tags) the image `tag` with `spec`; the id is a hash of the spec, so equal specs share one image. */
export function addImage(s: MemoryState, tag: string, spec: MemoryImageSpec = {}): ImageRecord {
  const config = spec.config ?? DEFAULT_CONFIG;
  const digest = createHash('sha256')
    .update(JSON.stringify([config, Object.keys(spec.files ?? {}).sort(), spec.architecture, spec.os]))
    .digest('hex');
  const id = `sha256:${digest}`;
  const existing = s.images.get(id);
  const created = existing?.created ?? s.isoNow();
  const img = existing ?? {
    id,
    tags: [],
    created,
    architecture: spec.architecture ?? 'amd64',
    os: spec.os ?? 'linux',
    config: structuredClone(config),
    files: imageFiles(spec.files, created),
  };
  s.images.set(id, img);
  setTag(s, img, normalizeTag(tag));
  return img;
}

/** Moves `tag` to `img` (from whichever image held it). */
function setTag(s: MemoryState, img: ImageRecord, tag: string): void {
  for (const other of s.images.values()) other.tags = other.tags.filter((t) => t !== tag);
  img.tags.push(tag);
}

function matchesReference(img: ImageRecord, patterns?: readonly string[]): boolean {
  if (patterns === undefined) return true;
  return patterns.some((p) => {
    const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    return img.tags.some((t) => re.test(t) || re.test(t.slice(0, t.lastIndexOf(':'))));
  });
}

export function memoryImages(s: MemoryState): EngineClient['images'] {
  return {
    list: async (filter = {}) =>
      [...s.images.values()]
        .filter((i) => matchesLabels(labelsOf(i), filter.labels) && matchesReference(i, filter.references))
        .map(summary),
    inspect: async (ref) => {
      const img = s.findImage(ref);
      return img ? details(img) : undefined;
    },
    tag: async (ref, repo, tag) => {
      const img = s.image(ref);
      const name = `${repo}:${tag || 'latest'}`;
      if (!/^[a-z0-9]+([._/-][a-z0-9]+|:[0-9]+\/)*$/.test(repo) || !/^[\w][\w.-]{0,127}$/.test(tag || 'latest')) {
        throw engineError('invalid', `invalid reference format: ${name}`);
      }
      s.record('images.tag', name);
      setTag(s, img, name);
      s.emit('image', 'tag', img.id, { name });
    },
    remove: async (ref, opts = {}) => removeImage(s, ref, opts.force === true),
    pull: async (ref, opts = {}) => {
      s.record('images.pull', normalizeTag(ref));
      opts.onProgress?.({ status: `Pulling from ${ref}` });
      const known = s.registry?.get(normalizeTag(ref));
      if (s.registry && !known) throw engineError('not-found', `manifest for ${ref} not found: manifest unknown`);
      const img = s.findImage(ref) ?? addImage(s, ref, known);
      opts.onProgress?.({ status: `Status: Downloaded newer image for ${normalizeTag(ref)}` });
      s.emit('image', 'pull', img.id, { name: normalizeTag(ref) });
    },
    push: async (ref, opts = {}) => {
      const img = s.findImage(ref);
      if (!img) throw engineError('not-found', `An image does not exist locally with the tag: ${ref}`);
      s.record('images.push', normalizeTag(ref));
      opts.onProgress?.({ status: `The push refers to repository [${ref}]` });
      s.emit('image', 'push', img.id, { name: normalizeTag(ref) });
    },
    // The fake registry's manifest digest: a hash of what the tag holds, so a moved tag has another one.
    distribution: async (ref) => {
      const known = s.registry?.get(normalizeTag(ref));
      if (!known) throw engineError('not-found', `manifest for ${ref} not found: manifest unknown`);
      const digest = createHash('sha256')
        .update(JSON.stringify(['manifest', known]))
        .digest('hex');
      const platform = { os: known.os ?? 'linux', architecture: known.architecture ?? 'amd64' };
      return {
        digest: `sha256:${digest}`,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        platforms: [platform],
      };
    },
    load: async (archive) => {
      const images = await readSaveArchive(archive);
      s.record('images.load', images.map((i) => i.tags.join(',')).join(' '));
      for (const { tags, config } of images) {
        for (const tag of tags) {
          const img = addImage(s, tag, { config });
          s.emit('image', 'load', img.id, { name: normalizeTag(tag) });
        }
      }
    },
    build: (req) => buildImage(s, req),
  };
}

function removeImage(s: MemoryState, ref: string, force: boolean): void {
  const img = s.image(ref);
  const byTag = img.tags.includes(normalizeTag(ref));
  const users = [...s.containers.values()].filter((c) => c.imageId === img.id);
  if (byTag && img.tags.length > 1) {
    s.record('images.remove', normalizeTag(ref));
    img.tags = img.tags.filter((t) => t !== normalizeTag(ref));
    s.emit('image', 'untag', img.id, { name: normalizeTag(ref) });
    return;
  }
  const running = users.find(isRunning);
  if (running) {
    throw engineError(
      'conflict',
      `conflict: unable to delete ${ref} (cannot be forced) - image is being used by running container ${running.id.slice(0, 12)}`,
    );
  }
  if (!force && !byTag && img.tags.length > 1) {
    throw engineError(
      'conflict',
      `conflict: unable to delete ${ref} (must be forced) - image is referenced in multiple repositories`,
    );
  }
  if (!force && users[0]) {
    throw engineError(
      'conflict',
      `conflict: unable to remove repository reference "${ref}" (must force) - container ${users[0].id.slice(0, 12)} is using its referenced image ${img.id.slice(7, 19)}`,
      'remove the containers that use it first, or force the removal',
    );
  }
  s.record('images.remove', ref);
  for (const t of img.tags) s.emit('image', 'untag', img.id, { name: t });
  img.tags = [];
  // A forced removal keeps an image that a stopped container still uses, untagged, as dockerd does.
  if (users.length > 0) return;
  s.images.delete(img.id);
  s.emit('image', 'delete', img.id, { name: img.id });
}

function labelsOf(img: ImageRecord): Record<string, string> {
  return (img.config.Labels as Record<string, string> | null | undefined) ?? {};
}

function summary(img: ImageRecord): ImageSummary {
  return {
    id: img.id,
    repoTags: [...img.tags],
    repoDigests: [],
    created: Math.floor(Date.parse(img.created) / 1000),
    size: [...img.files.values()].reduce((n, f) => n + f.content.length, 0),
    labels: { ...labelsOf(img) },
  };
}

function details(img: ImageRecord): ImageDetails {
  const { id, repoTags, repoDigests, size } = summary(img);
  const layers = [`sha256:${createHash('sha256').update(img.id).digest('hex')}`];
  const common = { architecture: img.architecture, os: img.os, config: structuredClone(img.config), layers };
  return { id, repoTags, repoDigests, created: img.created, size, ...common };
}

/** The names and configs of the images in a `docker save` archive (its manifest.json and config files). */
async function readSaveArchive(archive: Readable): Promise<Array<{ tags: string[]; config: Record<string, unknown> }>> {
  const isMetadata = (h: { name: string }): boolean =>
    h.name === 'manifest.json' || h.name.endsWith('.json') || h.name.startsWith('blobs/');
  const files = await readTarFiles(archive, isMetadata).catch((e: unknown) => {
    throw engineError('invalid', `the archive could not be read: ${(e as Error).message}`);
  });
  const manifest = files.get('manifest.json');
  if (!manifest) throw engineError('invalid', 'the archive has no manifest.json (not a docker save archive)');
  const entries = JSON.parse(manifest.toString('utf8')) as Array<{ Config: string; RepoTags?: string[] | null }>;
  return entries.map((e) => {
    const raw = files.get(e.Config);
    const parsed = raw ? (JSON.parse(raw.toString('utf8')) as { config?: Record<string, unknown> }) : {};
    return { tags: e.RepoTags ?? [], config: parsed.config ?? DEFAULT_CONFIG };
  });
}
