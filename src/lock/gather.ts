// The shell of the lock: gathers today's facts of a stack in the lock's shape, through the engine client (registry
// digests by GET /distribution, local images by inspect) and the file system (contexts after .dockerignore,
// Dockerfiles). computeDrift compares them with the lock; `berth lock` writes them.
import { createHash } from 'node:crypto';
import { readFile, readlink } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { listContextFiles } from '../client/context-files.js';
import { isEngineError } from '../client/errors.js';
import type { EngineClient, RegistryAuth } from '../client/types.js';
import { BerthError } from '../errors.js';
import { compileIgnore, parseDockerignore } from '../shared/dockerignore.js';
import { fromImages } from '../shared/dockerfile-from.js';
import type { Build, Service, Stack } from '../spec/model.js';
import { LOCK_VERSION, type BootstrapInputs, type BuildPin, type ImagePin, type LockFile } from './model.js';

export interface GatherDeps {
  client: EngineClient;
  projectDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Credentials for a registry lookup of `ref` (the docker CLI's config), or none. */
  authFor: (ref: string) => Promise<RegistryAuth | undefined>;
  /** The build args a service's build gets (its args, the environment's values for args listed bare). */
  buildArgs: (build: Build) => Record<string, string>;
  /** SOURCE_DATE_EPOCH to record: the lock's when there is one. */
  sourceDateEpoch: number;
}

// The labels src/cli/bootstrap/plan.ts puts on the bases it makes (the lock does not import the CLI).
const BOOTSTRAP = 'io.berth.bootstrap';

/** Today's facts of `services` (all of the stack's by default) as a lock. */
export async function gatherLock(stack: Stack, deps: GatherDeps): Promise<LockFile> {
  const pins = new Map<string, Promise<ImagePin>>(); // each reference looked up once
  const pin = (ref: string): Promise<ImagePin> => {
    let p = pins.get(ref);
    if (p === undefined) pins.set(ref, (p = resolvePin(ref, deps)));
    return p;
  };
  const services: LockFile['services'] = {};
  for (const name of Object.keys(stack.services).sort()) {
    const service = stack.services[name] as Service;
    if (service.build !== undefined) services[name] = { build: await buildPin(service.build, deps, pin) };
    else if (service.image !== undefined) services[name] = { image: await pin(service.image) };
  }
  return { version: LOCK_VERSION, sourceDateEpoch: deps.sourceDateEpoch, services };
}

/** The registry's digest for `ref`; an image no registry answers for but the engine has is pinned by its ID. */
async function resolvePin(ref: string, deps: GatherDeps): Promise<ImagePin> {
  const local = await deps.client.images.inspect(ref);
  const platform = local ? [local.os, local.architecture, local.variant].filter(Boolean).join('/') : undefined;
  try {
    const info = await deps.client.images.distribution(ref, await deps.authFor(ref));
    const only = info.platforms.length === 1 ? info.platforms[0] : undefined;
    const named = only ? [only.os, only.architecture, only.variant].filter(Boolean).join('/') : platform;
    return { ref, digest: info.digest, ...(named ? { platform: named } : {}) };
  } catch (e) {
    if (!isEngineError(e) && !(e instanceof BerthError)) throw e;
    if (local !== undefined) return { ref, digest: local.id, local: true, ...(platform ? { platform } : {}) };
    throw new BerthError(
      'LOCK_UNRESOLVED',
      `image ${ref}: no registry answers for it and the engine does not have it`,
      {
        hint: `pull or build ${ref} first, or check the registry (${e.message})`,
        cause: e,
      },
    );
  }
}

async function buildPin(build: Build, deps: GatherDeps, pin: (ref: string) => Promise<ImagePin>): Promise<BuildPin> {
  const dir = resolve(deps.projectDir, build.context);
  const files = await contextFiles(dir);
  const dockerfileText = dockerfileOf(build, dir);
  const args = deps.buildArgs(build);
  const from: Record<string, ImagePin> = {};
  const bootstrap: Record<string, BootstrapInputs> = {};
  for (const ref of fromImages(dockerfileText, args)) {
    from[ref] = await pin(ref);
    const labels = (await deps.client.images.inspect(ref))?.config.Labels as Record<string, string> | undefined;
    const label = (name: string): string => labels?.[`${BOOTSTRAP}.${name}`] ?? '';
    if (label('key') !== '') {
      bootstrap[ref] = {
        key: label('key'),
        suite: label('suite'),
        include: label('include'),
        packages: label('packages'),
      };
    }
  }
  const rel = relative(deps.projectDir, dir).split('\\').join('/');
  return {
    context: rel === '' ? '.' : rel.startsWith('..') ? rel : `./${rel}`,
    contextDigest: digestOfFiles(files),
    files,
    dockerfile: sha256(dockerfileText),
    args,
    from,
    ...(Object.keys(bootstrap).length > 0 ? { bootstrap } : {}),
  };
}

/** Each file's digest by path, as the context is sent (.dockerignore applied); a symlink by its target text. */
export async function contextFiles(dir: string): Promise<Record<string, string>> {
  if (!existsSync(dir)) {
    throw new BerthError('LOCK_CONTEXT', `build context "${dir}" is not a folder`, {
      hint: 'check build.context in the stack file',
    });
  }
  const ignore = join(dir, '.dockerignore');
  const matcher = compileIgnore(parseDockerignore(existsSync(ignore) ? readFileSync(ignore, 'utf8') : ''));
  const out: Record<string, string> = {};
  for (const f of await listContextFiles(dir, matcher)) {
    if (f.stat.isFile()) out[f.rel] = sha256(await readFile(f.host));
    else if (f.stat.isSymbolicLink()) out[f.rel] = sha256(`symlink:${await readlink(f.host)}`);
  }
  return out;
}

export function digestOfFiles(files: Readonly<Record<string, string>>): string {
  const lines = Object.keys(files)
    .sort()
    .map((p) => `${p}\0${files[p] as string}\n`);
  return `sha256:${sha256(lines.join(''))}`;
}

function dockerfileOf(build: Build, dir: string): string {
  if (build.dockerfile_inline !== undefined) return build.dockerfile_inline;
  const path = resolve(dir, build.dockerfile ?? 'Dockerfile');
  if (!existsSync(path)) {
    throw new BerthError('LOCK_CONTEXT', `Dockerfile "${path}" does not exist`, { hint: 'check build.dockerfile' });
  }
  return readFileSync(path, 'utf8');
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
