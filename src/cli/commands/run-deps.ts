// What `berth run SERVICE` brings up first, as `docker compose run` does (startDependencies, waitDependencies):
// the plan `up SERVICE` would make, without the service's own containers (skipContainers), so that its networks
// and volumes exist, its dependencies run (none of them with --no-deps) and its depends_on conditions hold: the
// plan's wait actions, run by the same applyPlan as `up`'s.
import { readFileSync } from 'node:fs';
import { BerthError } from '../../errors.js';
import { planRows } from '../../planner/action-text.js';
import { applyPlan } from '../../planner/apply.js';
import { planUp, selectServices } from '../../planner/plan.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { selectProgress } from '../progress/select.js';
import { applyEventsTo, inPhase } from '../progress/sink.js';
import type { StackSession } from '../stack-session.js';
import { resolveImages } from '../stack-session.js';
import { buildServices, servicesToBuild } from '../build-services.js';

export async function startRunDependencies(
  ctx: CliContext,
  session: StackSession,
  service: string,
  opts: { noDeps: boolean; global: ProjectOptions },
): Promise<void> {
  const { stack, client } = session;
  const deps = selectServices(stack, [service], opts.noDeps).filter((s) => s !== service);
  // As compose run does: images of built services that are missing are built first (the service's own too).
  const missing = await servicesToBuild(session, [...deps, service], 'missing');
  if (missing.length > 0) await buildServices(ctx, session, missing);
  const images = await resolveImages(session, deps, (line) => ctx.stderr(`${line}\n`));
  const imageIds = Object.fromEntries(Object.entries(images).map(([k, v]) => [k, v.id]));
  const plan = planUp({
    stack,
    observed: session.observed,
    imageIds,
    workingDir: session.projectDir,
    configFiles: session.files,
    readFile: (path) => readFileSync(path, 'utf8'),
    options: { services: [service], noDeps: opts.noDeps, skipContainers: [service] },
  });
  const sink = await selectProgress(ctx, opts.global.progress);
  for (const w of plan.warnings) sink.warn(w);
  const applyContext = { client, signal: ctx.signal, pollMs: 250 };
  const result = await inPhase(sink, planRows(plan), () => applyPlan(plan, applyContext, applyEventsTo(sink)));
  for (const w of result.warnings) sink.warn(w);
  const first = result.failed[0];
  if (first) {
    const { row } = first.action;
    throw new BerthError('PLAN_APPLY_FAILED', `${row.resource} ${row.name}: ${first.error}`, {
      hint: 'fix the dependency, or run the service alone with --no-deps',
    });
  }
}
