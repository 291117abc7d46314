// `berth stack deploy`: the stack file to a swarm, planned like `up`. Read the stack and what it needs from
// outside (secret and config contents, pinned images), observe what the swarm runs of it, plan (pure), then
// print the plan (--dry-run) or apply it.
import type { SwarmClient } from '../../client/swarm/types.js';
import { observeSwarmStack } from '../../client/swarm/observe.js';
import type { EngineClient } from '../../client/types.js';
import { BerthError } from '../../errors.js';
import { planDeploy, type SwarmPlan } from '../../planner/swarm/plan-deploy.js';
import { renderSwarmPlan, swarmPlanJson } from '../../planner/swarm/render-plan.js';
import { readStack } from '../../spec/read.js';
import type { Stack } from '../../spec/model.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { renderDiagnostic } from '../render-error.js';
import { applySwarmPlan } from './stack-apply.js';
import { readObjectContents, resolveSwarmImages } from './stack-inputs.js';

export interface StackDeployOptions {
  composeFile: string[];
  prune?: boolean;
  dryRun?: boolean;
  format?: 'text' | 'json';
}

export interface StackDeployReport {
  plan: SwarmPlan;
  applied: number;
}

export async function stackDeploy(
  ctx: CliContext,
  global: ProjectOptions,
  opts: StackDeployOptions & { name: string },
  engine: { client: EngineClient; swarm: SwarmClient },
): Promise<StackDeployReport> {
  const stack = loadForSwarm(ctx, global, opts);
  const { images, warnings } = await resolveSwarmImages(engine.client, stack);
  for (const w of warnings) ctx.stderr(`${renderDiagnostic(w, ctx.cwd)}\n`);
  const plan = planDeploy({
    stack,
    observed: await observeSwarmStack(engine.swarm, stack.name),
    images,
    contents: readObjectContents(stack, ctx.env),
    prune: opts.prune,
  });
  // The text plan ends with its warnings; otherwise they go to stderr, as the loader's do.
  const warnInPlan = opts.dryRun === true && opts.format !== 'json';
  if (!warnInPlan) for (const w of plan.warnings) ctx.stderr(`${renderDiagnostic(w, ctx.cwd)}\n`);
  if (opts.dryRun) {
    ctx.stdout(opts.format === 'json' ? swarmPlanJson(plan) : renderSwarmPlan(plan));
    return { plan, applied: 0 };
  }
  const applied = await applySwarmPlan(engine.swarm, { ...plan, warnings: [] }, (l) => ctx.stderr(`${l}\n`));
  const unchanged = plan.unchanged.length;
  ctx.stderr(`Deployed stack ${stack.name}: ${applied.length} change(s), ${unchanged} service(s) unchanged\n`);
  return { plan, applied: applied.length };
}

/**
 * The stack from -c (else the global -f, else the usual file search), named by STACK. The loader's warnings
 * that deploy keys are "not honored" are true of `up` but not here, so they are left out.
 */
function loadForSwarm(ctx: CliContext, global: ProjectOptions, opts: StackDeployOptions & { name: string }): Stack {
  const { result } = readStack({
    files: opts.composeFile.length > 0 ? opts.composeFile : global.file,
    projectDirectory: global.projectDirectory,
    envFiles: global.envFile,
    projectName: opts.name,
    profiles: global.profile,
    cwd: ctx.cwd,
    env: ctx.env,
    readStdin: ctx.readStdin,
  });
  for (const w of result.warnings) {
    if (w.code === 'SPEC_NOT_HONORED' && /^services\.[^.]+\.deploy\./.test(w.at?.path ?? '')) continue;
    ctx.stderr(`${renderDiagnostic(w, ctx.cwd)}\n`);
  }
  if (!result.ok) {
    const n = result.errors.length;
    throw new BerthError('SPEC_INVALID', `the stack is not valid (${n} error${n === 1 ? '' : 's'})`, {
      diagnostics: result.errors,
    });
  }
  return result.stack;
}
