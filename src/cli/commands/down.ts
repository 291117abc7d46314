// `berth down`: stops and removes the project's containers (dependents first), then its networks, and with -v its
// named volumes. Orphans (containers of services no longer in the file) go with --remove-orphans.
import { applyPlan } from '../../planner/apply.js';
import type { Action } from '../../planner/plan.js';
import { planDown } from '../../planner/plan.js';
import { compareText } from '../../compare-text.js';
import { BerthError } from '../../errors.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { selectProgress } from '../progress/select.js';
import { applyEventsTo, inPhase } from '../progress/sink.js';
import type { StackSession } from '../stack-session.js';
import { openSession, serviceImage } from '../stack-session.js';
import { isEngineError } from '../../client/errors.js';

export interface DownOptions {
  volumes?: boolean;
  /** --rmi local (images built for services without image:) or all (every service's image). */
  rmi?: string;
  removeOrphans?: boolean;
  timeout?: string;
}

export async function downCommand(ctx: CliContext, global: ProjectOptions, opts: DownOptions): Promise<void> {
  if (opts.rmi !== undefined && opts.rmi !== 'local' && opts.rmi !== 'all') {
    throw new BerthError('CLI_BAD_RMI', `--rmi ${opts.rmi}: expected local or all`, { hint: 'e.g. --rmi local' });
  }
  const session = await openSession(ctx, global);
  try {
    const plan = planDown(session.stack, session.observed, {
      volumes: opts.volumes,
      removeOrphans: opts.removeOrphans,
    });
    const sink = await selectProgress(ctx, global.progress);
    for (const w of plan.warnings) sink.warn(w);
    const applyContext = {
      client: session.client,
      stack: session.stack,
      images: {},
      workingDir: session.projectDir,
      configFiles: session.files,
      stopTimeout: opts.timeout === undefined ? undefined : Number(opts.timeout),
    };
    const result = await inPhase(sink, plan.actions, () => applyPlan(plan, applyContext, applyEventsTo(sink)));
    const first = result.failed[0];
    if (first) {
      const kept = session.observed.containers.filter((c) => !plan.actions.some((a) => a.containerId === c.id));
      throw new BerthError('PLAN_APPLY_FAILED', `${first.action.resource} ${first.action.name}: ${first.error}`, {
        hint: downHint(first.action, kept.map((c) => c.name).sort(compareText)),
      });
    }
    if (opts.rmi !== undefined) await removeImages(ctx, session, opts.rmi);
  } finally {
    session.client.close();
  }
}

/**
 * What to do after a failed down. A network that cannot go is most often still used by orphans (containers of
 * services no longer in the stack file), which down keeps without --remove-orphans.
 */
export function downHint(failed: Action, orphans: readonly string[]): string {
  if (failed.kind === 'remove-network' && orphans.length > 0) {
    return `orphan containers still use it (${orphans.join(', ')}): run berth down --remove-orphans`;
  }
  return 'run berth down again once the cause is fixed';
}

/**
 * Compose's `down --rmi`: `all` removes every service's image, `local` only those built for services that have no
 * `image:` (named <project>-<service>). A missing image is skipped; one still used elsewhere is a warning.
 */
async function removeImages(ctx: CliContext, session: StackSession, rmi: string): Promise<void> {
  const refs = new Set<string>();
  for (const service of Object.values(session.stack.services)) {
    if (rmi === 'all' || (service.image === undefined && service.build !== undefined)) {
      refs.add(serviceImage(session.stack, service));
    }
  }
  for (const ref of [...refs].sort()) {
    try {
      await session.client.images.remove(ref);
      ctx.stderr(` Image ${ref}  Removed\n`);
    } catch (e) {
      if (isEngineError(e, 'not-found')) continue;
      ctx.stderr(`WARN: image ${ref} was not removed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
}
