// What `berth run SERVICE` brings up first, as `docker compose run` does (startDependencies, waitDependencies):
// the plan `up SERVICE` would make, less the service's own containers, so that its networks and volumes exist
// and its dependencies run (none of them with --no-deps); then the service's depends_on conditions are awaited.
import { BerthError } from '../../errors.js';
import { applyPlan, waitForCondition } from '../../planner/apply.js';
import { planUp, selectServices, serviceDependencies } from '../../planner/plan.js';
import type { DependsOn, Service } from '../../spec/model.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { selectProgress } from '../progress/select.js';
import { applyEventsTo, inPhase } from '../progress/sink.js';
import { findContainers } from '../service-containers.js';
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
  const full = planUp({
    stack,
    observed: session.observed,
    imageIds,
    options: { services: [service], noDeps: opts.noDeps },
  });
  const plan = { ...full, actions: full.actions.filter((a) => !(a.resource === 'container' && a.service === service)) };
  const sink = await selectProgress(ctx, opts.global.progress);
  for (const w of plan.warnings) sink.warn(w);
  const applyContext = {
    client,
    stack,
    images,
    workingDir: session.projectDir,
    configFiles: session.files,
    signal: ctx.signal,
  };
  const result = await inPhase(sink, plan.actions, () => applyPlan(plan, applyContext, applyEventsTo(sink)));
  const first = result.failed[0];
  if (first) {
    throw new BerthError('PLAN_APPLY_FAILED', `${first.action.resource} ${first.action.name}: ${first.error}`, {
      hint: 'fix the dependency, or run the service alone with --no-deps',
    });
  }
  if (!opts.noDeps) {
    for (const [dep, rule] of Object.entries(serviceDependencies(stack.services[service] as Service))) {
      if (rule.condition !== 'service_started' && stack.services[dep]) await awaitCondition(ctx, session, dep, rule);
    }
  }
}

/** Waits for the dependency's containers as `up` does (applyPlan's waitForCondition); an optional one only warns. */
async function awaitCondition(ctx: CliContext, session: StackSession, dep: string, rule: DependsOn): Promise<void> {
  const { client, stack } = session;
  try {
    const containers = await findContainers(client, stack.name, { services: [dep], stopped: true });
    if (containers.length === 0) {
      throw new BerthError('PLAN_DEPENDENCY_MISSING', `service "${dep}" has no container to depend on`);
    }
    for (const c of containers) await waitForCondition({ client, signal: ctx.signal, pollMs: 250 }, dep, c.id, rule);
  } catch (e) {
    if (rule.required || !(e instanceof BerthError) || e.code === 'PLAN_INTERRUPTED') throw e;
    ctx.stderr(`WARN ${e.message}\n`);
  }
}
