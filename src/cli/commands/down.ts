// `berth down`: stops and removes the project's containers (dependents first), then its networks, and with -v its
// named volumes. Orphans (containers of services no longer in the file) go with --remove-orphans.
import { applyPlan } from '../../planner/apply.js';
import { planDown } from '../../planner/plan.js';
import { BerthError } from '../../errors.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { selectProgress } from '../progress/select.js';
import { applyEventsTo, inPhase } from '../progress/sink.js';
import { openSession } from '../stack-session.js';

export interface DownOptions {
  volumes?: boolean;
  removeOrphans?: boolean;
  timeout?: string;
}

export async function downCommand(ctx: CliContext, global: ProjectOptions, opts: DownOptions): Promise<void> {
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
      throw new BerthError('PLAN_APPLY_FAILED', `${first.action.resource} ${first.action.name}: ${first.error}`, {
        hint: 'run berth down again once the cause is fixed',
      });
    }
  } finally {
    session.client.close();
  }
}
