// Building the images of services that have `build:`: what `berth build` does, and what `up` does for images that
// are missing (or for all, with --build). The context goes to the engine as a tar, so berthd and dockerd both build.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BerthError } from '../errors.js';
import type { Build, Service } from '../spec/model.js';
import { readDockerConfig, withProxyArgs } from '../client/docker-proxies.js';
import type { CliContext } from './context.js';
import type { StackSession } from './stack-session.js';
import { pinnedFromOf } from '../lock/apply.js';
import { commitEpoch } from '../lock/lock-file.js';
import { driftError, tagPinnedBases } from './lock-use.js';
import { overrideDrift } from '../lock/drift.js';
import { LOCK_FILE_NAME } from '../lock/model.js';
import { serviceImage } from './stack-session.js';
import { BuildOutput } from './build-output.js';

/** How a build runs: `noCache` and `pull` as docker build's flags; `args` override the services' build args. */
export interface BuildSettings {
  noCache?: boolean;
  pull?: boolean;
  quiet?: boolean;
  args?: Record<string, string>;
}

/** build: keys the engine's /build cannot honor; they are reported, not silently dropped. */
const UNSUPPORTED_BUILD_KEYS = [
  'ssh',
  'secrets',
  'cache_to',
  'platforms',
  'additional_contexts',
  'extra_hosts',
  'shm_size',
  'isolation',
  'privileged',
  'tags',
  'ulimits',
  'entitlements',
];

/**
 * Builds the named services (those without `build:` are skipped) one after the other; returns each built
 * service's image ID. Progress goes to stderr, prefixed by the service; a failure names the service.
 */
// The context packer (tar-stream) and the base-image bootstrap are imported when a build runs: every stack command
// imports this file (through lock-use.ts and up.ts), and evaluating them cost each start for nothing.
export async function buildServices(
  ctx: CliContext,
  session: StackSession,
  services: readonly string[],
  settings: BuildSettings = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const { packBuildContext } = await import('../client/build-context.js');
  const { ensureDebianBases, fromImages, readDockerfile } = await import('./bootstrap/base-images.js');
  const dockerConfig = readDockerConfig(ctx.env); // its "proxies", given to builds as the docker CLI gives them
  let berthd: Promise<boolean> | undefined;
  const isBerthd = (): Promise<boolean> => (berthd ??= session.client.info().then((i) => i.isBerthd));
  for (const name of services) {
    const service = session.stack.services[name] as Service;
    const build = service.build;
    if (build === undefined) continue;
    const ref = serviceImage(session.stack, service);
    for (const key of UNSUPPORTED_BUILD_KEYS) {
      if (build[key] !== undefined)
        ctx.stderr(`WARN: service "${name}": build.${key} is not supported yet and is ignored\n`);
    }
    if (!settings.quiet) ctx.stderr(`[+] Building ${name} (${ref})\n`);
    const dockerfile = readDockerfile(build);
    const args = { ...serviceBuildArgs(build, ctx.env), ...settings.args };
    const pin = session.lock?.services[name]?.build;
    if (session.frozen && pin !== undefined) {
      const drift = overrideDrift(name, pin.args, settings.args ?? {});
      if (drift.length > 0) throw driftError(drift, LOCK_FILE_NAME);
    }
    // Fixed times make the image reproducible: the user's SOURCE_DATE_EPOCH, else the lock's, else the newest commit.
    const epoch =
      args.SOURCE_DATE_EPOCH ??
      ctx.env.SOURCE_DATE_EPOCH ??
      String(session.lock?.sourceDateEpoch ?? (mayBeInGit(build.context, ctx.env) ? commitEpoch(build.context) : 0));
    if (epoch !== '0' || session.lock !== undefined) args.SOURCE_DATE_EPOCH = epoch;
    if (dockerfile !== undefined) await ensureDebianBases(ctx, session.client, fromImages(dockerfile, args));
    if (pin !== undefined && !(await isBerthd())) await tagPinnedBases(ctx, session.client, pinnedFromOf(pin));
    const packed = packBuildContext(build.context, {
      dockerfile: build.dockerfile,
      dockerfileInline: build.dockerfile_inline,
    });
    const output = new BuildOutput(name);
    const say = (text: string): void => {
      if (!settings.quiet && text !== '') ctx.stderr(text);
    };
    const ticker = setInterval(() => say(output.tick(Date.now())), 1000);
    try {
      const built = await session.client.images.build({
        context: packed.stream,
        dockerfile: packed.dockerfileName,
        tags: [ref],
        buildArgs: withProxyArgs(args, dockerConfig, ctx.env.DOCKER_HOST),
        target: build.target,
        labels: build.labels,
        noCache: settings.noCache === true || build.no_cache === true,
        pull: settings.pull === true || build.pull === true,
        ...(pin ? { pinnedFrom: pinnedFromOf(pin) } : {}),
        network: typeof build.network === 'string' ? build.network : undefined,
        signal: ctx.signal,
        onProgress: (m) => {
          if (m.stream !== undefined) say(output.write(m.stream, Date.now()));
        },
      });
      out[name] = built.id;
    } catch (e) {
      if (e instanceof BerthError) {
        throw new BerthError(e.code, `service "${name}" failed to build: ${e.message}`, { hint: e.hint, cause: e });
      }
      throw e;
    } finally {
      clearInterval(ticker);
      say(output.end(Date.now()));
    }
  }
  return out;
}

/**
 * Whether git could find a repository for `dir`: a `.git` in it or a folder above it, or GIT_DIR set. When not, git
 * would find no commit, and starting it to hear so cost a cached build ~5-10 ms.
 */
function mayBeInGit(dir: string, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.GIT_DIR) return true;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

/**
 * The services `up` (or `run`) must build first: with `always` (--build) every selected service that has `build:`;
 * otherwise those whose image is missing on the engine or whose pull_policy is `build`; none with `never`.
 */
export async function servicesToBuild(
  session: StackSession,
  services: readonly string[],
  policy: 'missing' | 'always' | 'never',
): Promise<string[]> {
  if (policy === 'never') return [];
  const out: string[] = [];
  for (const name of services) {
    const service = session.stack.services[name] as Service;
    if (service.build === undefined) continue;
    if (policy === 'always' || service.pull_policy === 'build') {
      out.push(name);
      continue;
    }
    const ref = serviceImage(session.stack, service);
    if ((await session.client.images.inspect(ref)) === undefined) out.push(name);
  }
  return out;
}

/** The service's build args; one listed without a value takes it from the environment, if set there (Compose). */
export function serviceBuildArgs(
  build: Build,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(build.args ?? {})) {
    const value = v ?? env[k];
    if (value !== undefined && value !== null) out[k] = String(value);
  }
  return out;
}
