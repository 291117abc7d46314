// `berth down`: stops and removes the project's containers (dependents first), then its networks, and with -v its
// named volumes. Orphans (containers of services no longer in the file) go with --remove-orphans.
import { applyPlan } from '../../planner/apply.js';
import { planDown } from '../../planner/plan.js';
import { BerthError } from '../../errors.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { openSession } from '../stack-session.js';
import { progressPrinter } from './up.js';

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
    for (const w of plan.warnings) ctx.stderr(`WARN ${w}\n`);
    const result = await applyPlan(
      plan,
      {
        client: session.client,
        stack: session.stack,
        images: {},
        workingDir: session.projectDir,
        configFiles: session.files,
        stopTimeout: opts.timeout === undefined ? undefined : Number(opts.timeout),
      },
      { onStatus: progressPrinter(ctx) },
    );
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
