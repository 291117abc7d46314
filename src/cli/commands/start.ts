// `berth start`: starts the project's stopped containers in depends_on order, each after its dependencies meet
// their condition (healthy, completed successfully), through the same applyPlan that `up` runs.
import { BerthError } from '../../errors.js';
import { applyPlan } from '../../planner/apply.js';
import { planStart } from '../../planner/plan-start.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { selectProgress } from '../progress/select.js';
import { applyEventsTo, inPhase } from '../progress/sink.js';
import { planRows } from '../../planner/action-text.js';
import { openSession } from '../stack-session.js';

export async function startCommand(ctx: CliContext, global: ProjectOptions, services: string[]): Promise<void> {
  const session = await openSession(ctx, global, services);
  try {
    const { plan, missing } = planStart(session.stack, session.observed, services);
    if (missing.length > 0) {
      throw new BerthError('CLI_NO_CONTAINER_TO_START', `service "${missing[0]}" has no container to start`, {
        hint: 'create the containers with berth up',
      });
    }
    const sink = await selectProgress(ctx, global.progress);
    // Running containers are in the plan only so that their dependents wait for them; Compose prints no line
    // for them, only their Waiting and Healthy when a dependent waits.
    const shown = planRows({ actions: plan.actions, unchanged: [] });
    const onStatus = applyEventsTo(sink).onStatus;
    const result = await inPhase(sink, shown, () =>
      applyPlan(plan, { client: session.client }, { onStatus: (e) => e.text !== 'Running' && onStatus?.(e) }),
    );
    for (const w of result.warnings) sink.warn(w);
    const first = result.failed[0];
    if (first) {
      const { row } = first.action;
      throw new BerthError('CLI_START_FAILED', `${row.resource} ${row.name}: ${first.error}`, {
        hint: 'see its logs with berth logs, fix the cause and run berth start again',
      });
    }
  } finally {
    session.client.close();
  }
}
