// `berth up` and `berth plan`: load, observe, resolve images, plan, then (up) apply with progress and, unless
// detached, follow the containers' logs until Ctrl-C, which stops them, as `docker compose up` does.
import { BerthError } from '../../errors.js';
import type { ApplyResult, ActionStatus } from '../../planner/apply.js';
import { applyPlan } from '../../planner/apply.js';
import type { Action, Plan } from '../../planner/plan.js';
import { planUp, selectServices } from '../../planner/plan.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { prefixer, streamContainerLogs } from '../log-stream.js';
import { planJson, renderPlan } from '../render-plan.js';
import type { StackSession } from '../stack-session.js';
import { openSession, resolveImages } from '../stack-session.js';

export interface UpOptions {
  detach?: boolean;
  dryRun?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  removeOrphans?: boolean;
  noDeps?: boolean;
  scale: string[];
  timeout?: string;
  format?: 'text' | 'json';
}

function parseScale(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (!m)
      throw new BerthError('CLI_BAD_SCALE', `--scale ${v}: expected SERVICE=NUMBER`, { hint: 'e.g. --scale web=3' });
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}

async function makeUpPlan(
  ctx: CliContext,
  session: StackSession,
  services: readonly string[],
  opts: UpOptions,
): Promise<{ plan: Plan; images: Awaited<ReturnType<typeof resolveImages>> }> {
  const selected = selectServices(session.stack, services, opts.noDeps);
  const images = await resolveImages(session, selected, (line) => ctx.stderr(`${line}\n`));
  const imageIds = Object.fromEntries(Object.entries(images).map(([k, v]) => [k, v.id]));
  const plan = planUp({
    stack: session.stack,
    observed: session.observed,
    imageIds,
    options: {
      services,
      noDeps: opts.noDeps,
      forceRecreate: opts.forceRecreate,
      noRecreate: opts.noRecreate,
      removeOrphans: opts.removeOrphans,
      scale: parseScale(opts.scale),
    },
  });
  return { plan, images };
}

export async function planCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: UpOptions,
): Promise<void> {
  const session = await openSession(ctx, global, services);
  try {
    const { plan } = await makeUpPlan(ctx, session, services, opts);
    ctx.stdout(opts.format === 'json' ? planJson(plan) : renderPlan(plan));
  } finally {
    session.client.close();
  }
}

/** Compose's plain progress: ` Container hello-db-1  Started`. */
export function progressPrinter(ctx: CliContext): (a: Action, status: ActionStatus, text: string) => void {
  const kind = (a: Action): string => a.resource.charAt(0).toUpperCase() + a.resource.slice(1);
  return (a, status, text) => {
    if (status === 'waiting') return;
    if (status === 'failed') ctx.stderr(` ${kind(a)} ${a.name}  Error: ${text}\n`);
    else ctx.stderr(` ${kind(a)} ${a.name}  ${text}\n`);
  };
}

function failures(result: ApplyResult): BerthError | undefined {
  if (result.failed.length === 0) return undefined;
  const first = result.failed[0] as ApplyResult['failed'][number];
  return new BerthError('PLAN_APPLY_FAILED', `${first.action.resource} ${first.action.name}: ${first.error}`, {
    hint:
      result.failed.length > 1
        ? `${result.failed.length - 1} more failed; run berth up again to converge once the cause is fixed`
        : 'run berth up again to converge once the cause is fixed',
  });
}

export async function upCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: UpOptions,
  signal?: AbortSignal,
): Promise<void> {
  const session = await openSession(ctx, global, services);
  try {
    const { plan, images } = await makeUpPlan(ctx, session, services, opts);
    for (const w of plan.warnings) ctx.stderr(`WARN ${w}\n`);
    if (opts.dryRun) {
      ctx.stdout(renderPlan(plan));
      return;
    }
    const result = await applyPlan(
      plan,
      {
        client: session.client,
        stack: session.stack,
        images,
        workingDir: session.projectDir,
        configFiles: session.files,
        stopTimeout: opts.timeout === undefined ? undefined : Number(opts.timeout),
        signal,
      },
      { onStatus: progressPrinter(ctx) },
    );
    const failed = failures(result);
    if (failed) throw failed;
    if (opts.detach) return;
    await followUntilInterrupted(ctx, session, plan, result, opts, signal);
  } finally {
    session.client.close();
  }
}

async function followUntilInterrupted(
  ctx: CliContext,
  session: StackSession,
  plan: Plan,
  result: ApplyResult,
  opts: UpOptions,
  signal?: AbortSignal,
): Promise<void> {
  const attached = plan.actions
    .filter((a) => a.resource === 'container' && a.kind !== 'remove')
    .map((a) => ({ name: a.name, id: result.containers[a.id] ?? (a.containerId as string) }))
    .filter((c) => c.id);
  const prefix = prefixer(
    attached.map((c) => c.name),
    ctx.isTTY === true && ctx.env.NO_COLOR === undefined && ctx.env.TERM !== 'dumb',
  );
  const stop = new AbortController();
  signal?.addEventListener('abort', () => stop.abort(), { once: true });
  ctx.stdout(`Attaching to ${attached.map((c) => c.name).join(', ')}\n`);
  await Promise.all(
    attached.map((c) =>
      streamContainerLogs(
        session.client,
        c.id,
        { follow: true, tail: 'all', tty: false },
        (line) => ctx.stdout(`${prefix(c.name, line.text)}\n`),
        stop.signal,
      ).catch(() => undefined),
    ),
  );
  if (stop.signal.aborted) {
    ctx.stderr('Gracefully stopping... (press Ctrl+C again to force)\n');
    const t = opts.timeout === undefined ? undefined : Number(opts.timeout);
    await Promise.all(
      attached.map(async (c) => {
        ctx.stderr(` Container ${c.name}  Stopping\n`);
        await session.client.call('POST', `/containers/${c.id}/stop`, { query: { t } }).catch(() => undefined);
        ctx.stderr(` Container ${c.name}  Stopped\n`);
      }),
    );
  }
}
