// How stack commands use berth.lock: `up`, `build`, `pull`, `run` fetch and build what it pins; with --frozen (or
// BERTH_FROZEN=1) they first gather today's facts and refuse on any drift, naming each; `plan` reports drift.
import { relative } from 'node:path';
import { BerthError } from '../errors.js';
import { withLockedImages } from '../lock/apply.js';
import { computeDrift, driftText } from '../lock/drift.js';
import { commitEpoch, lockPathFor, readLockFile } from '../lock/lock-file.js';
import type { Drift, LockFile } from '../lock/model.js';
import type { Build } from '../spec/model.js';
import type { CliContext } from './context.js';
import { splitReference } from '../client/docker/images.js';
import type { StackSession } from './stack-session.js';

/** use: pin images and bases; report: also compute the drift (plan); frozen: refuse on drift. */
export type LockMode = 'ignore' | 'use' | 'report';

export function isFrozen(flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  return flag === true || env.BERTH_FROZEN === '1' || env.BERTH_FROZEN === 'true';
}

/**
 * Today's facts of the session's stack in the lock's shape (what `berth lock` writes). What it needs (the context
 * hasher, registry auth, the build args) is imported here: most commands read no lock and gather nothing.
 */
export async function gatherSessionLock(ctx: CliContext, session: StackSession, epoch?: number): Promise<LockFile> {
  const { gatherLock } = await import('../lock/gather.js');
  const { serviceBuildArgs } = await import('./build-services.js');
  const { registryAuthFor } = await import('./registry-auth.js');
  return gatherLock(session.stack, {
    client: session.client,
    projectDir: session.projectDir,
    env: ctx.env,
    authFor: async (ref) => (await registryAuthFor(ctx.env, ref)) ?? undefined,
    buildArgs: (build: Build) => serviceBuildArgs(build, ctx.env),
    sourceDateEpoch: epoch ?? defaultEpoch(ctx, session.projectDir),
  });
}

/** SOURCE_DATE_EPOCH when the lock has none: the user's, else the project's newest commit time. */
export function defaultEpoch(ctx: CliContext, dir: string): number {
  const given = Number(ctx.env.SOURCE_DATE_EPOCH);
  return ctx.env.SOURCE_DATE_EPOCH !== undefined && Number.isInteger(given) ? given : commitEpoch(dir);
}

/** Reads the lock (if any) into the session, checks it when frozen, and pins the stack's images to it. */
export async function applyLock(
  ctx: CliContext,
  session: StackSession,
  mode: LockMode,
  frozen: boolean,
): Promise<void> {
  if (mode === 'ignore') return;
  const path = lockPathFor(session.files, session.projectDir);
  const lock = readLockFile(path);
  if (lock === undefined) {
    if (frozen) {
      throw new BerthError('LOCK_MISSING', `--frozen: there is no lock file (${path})`, {
        hint: 'run `berth lock` and commit berth.lock',
      });
    }
    return;
  }
  if (frozen || mode === 'report') {
    const drift = computeDrift(lock, await gatherSessionLock(ctx, session, lock.sourceDateEpoch));
    session.drift = drift;
    if (frozen && drift.length > 0) throw driftError(drift, shown(ctx, path));
  }
  session.lock = lock;
  session.frozen = frozen;
  session.stack = withLockedImages(session.stack, lock);
}

/** The lock's path as the user would type it from where berth runs. */
export function shown(ctx: CliContext, path: string): string {
  const rel = relative(ctx.cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

export function driftError(drift: readonly Drift[], path: string): BerthError {
  const n = drift.length;
  return new BerthError(
    'LOCK_DRIFT',
    `the stack differs from ${path} (${n} drift${n === 1 ? '' : 's'}):\n${driftText(drift).trimEnd()}`,
    {
      hint: 'run `berth lock` to accept the changes (and commit berth.lock), or undo them',
    },
  );
}

/**
 * On an engine that does not take berth's pinned FROM mapping (dockerd), each locked base is fetched by its digest
 * (or found by its image ID) and tagged with the reference the Dockerfile names, just before the build: the build
 * then reads the tag as the lock pinned it. This moves the local tag, as `docker pull name@digest` + `docker tag`.
 */
export async function tagPinnedBases(
  ctx: CliContext,
  client: StackSession['client'],
  pinned: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [ref, pin] of Object.entries(pinned)) {
    if (!pin.startsWith('sha256:') && (await client.images.inspect(pin)) === undefined) {
      const { pullImage } = await import('./image-transfer.js');
      await pullImage(client, pin, { env: ctx.env, signal: ctx.signal });
    }
    const { name, tag } = splitReference(ref);
    await client.images.tag(pin, name, tag);
  }
}
