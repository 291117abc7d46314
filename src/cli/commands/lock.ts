// `berth lock`: pins the stack's images, build bases, contexts, Dockerfiles and build args in berth.lock beside
// the stack file; `--check` compares instead and fails on drift, changing nothing.
import { BerthError } from '../../errors.js';
import { lockOverride } from '../../lock/apply.js';
import { computeDrift } from '../../lock/drift.js';
import { lockPathFor, readLockFile, writeLockFile } from '../../lock/lock-file.js';
import { lockText } from '../../lock/text.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { driftError, gatherSessionLock, shown } from '../lock-use.js';
import { loadProjectFiles } from '../load-project.js';
import { openSession } from '../stack-session.js';

export interface LockOptions {
  check?: boolean;
}

export async function lockCommand(ctx: CliContext, global: ProjectOptions, opts: LockOptions): Promise<void> {
  const session = await openSession(ctx, global);
  try {
    const path = lockPathFor(session.files, session.projectDir);
    const old = readLockFile(path);
    if (opts.check && old === undefined) {
      throw new BerthError('LOCK_MISSING', `there is no lock file (${shown(ctx, path)})`, {
        hint: 'run `berth lock` and commit berth.lock',
      });
    }
    // The time stays what the lock says once written, so relocking after a commit does not change built images.
    const now = await gatherSessionLock(ctx, session, old?.sourceDateEpoch);
    if (opts.check && old !== undefined) {
      const drift = computeDrift(old, now);
      if (drift.length > 0) throw driftError(drift, shown(ctx, path));
      ctx.stdout(`${shown(ctx, path)} is up to date\n`);
      return;
    }
    if (old !== undefined && lockText(old) === lockText(now)) {
      ctx.stdout(`${shown(ctx, path)} is up to date\n`);
      return;
    }
    writeLockFile(path, now);
    const n = Object.keys(now.services).length;
    ctx.stdout(`wrote ${shown(ctx, path)} (${n} service${n === 1 ? '' : 's'})\n`);
  } finally {
    session.client.close();
  }
}

/** `config --lock-image-digests`: Compose's override file of each locked service image by digest. */
export function lockOverrideCommand(ctx: CliContext, global: ProjectOptions): string {
  const { files, projectDir } = loadProjectFiles(ctx, global);
  const path = lockPathFor(files, projectDir);
  const lock = readLockFile(path);
  if (lock === undefined) {
    throw new BerthError('LOCK_MISSING', `there is no lock file (${path})`, { hint: 'run `berth lock` first' });
  }
  const { services } = lockOverride(lock);
  const names = Object.keys(services);
  if (names.length === 0) return 'services: {}\n';
  return `services:\n${names.map((n) => `  ${n}:\n    image: ${services[n]?.image ?? ''}\n`).join('')}`;
}
