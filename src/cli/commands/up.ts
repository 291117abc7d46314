// `berth up` and `berth plan`: load, observe, resolve images, plan, then (up) apply with progress and, unless
// detached, follow the containers' logs until they exit or Ctrl-C stops them, as `docker compose up` does; with
// --wait, wait for the services to run (and be healthy) instead.
import { BerthError, isBerthError } from '../../errors.js';
import { readFileSync } from 'node:fs';
import type { ApplyEvent, ApplyResult } from '../../planner/apply.js';
import { applyPlan } from '../../planner/apply.js';
import { planRows } from '../../planner/action-text.js';
import type { Plan } from '../../planner/plan.js';
import { planUp, selectServices } from '../../planner/plan.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { ExitStatus } from '../exit-status.js';
import { plainSink } from '../progress/plain.js';
import { selectProgress } from '../progress/select.js';
import type { ProgressSink } from '../progress/sink.js';
import { applyEventsTo, inPhase } from '../progress/sink.js';
import { planJson, renderPlan } from '../render-plan.js';
import type { StackSession } from '../stack-session.js';
import { openSession, resolveImages } from '../stack-session.js';
import { driftText } from '../../lock/drift.js';
import { buildServices, servicesToBuild } from '../build-services.js';
import type { PullDecision } from '../../planner/plan-pulls.js';
import { planPulls, pullPlan } from '../../planner/plan-pulls.js';
import { imageFacts } from '../image-facts.js';
import { pullImage } from '../image-transfer.js';
import type { AttachedContainer } from './up-attach.js';
import { attachUntilDone } from './up-attach.js';
import { waitForServices } from './up-wait.js';
import { watchHint } from '../watch/targets.js';
import type { DashboardOptions } from '../dashboard/dashboard.js';
import { dashboardWanted } from '../dashboard/wanted.js';

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
  /** Set by `berth plan`: nothing is built, as with --dry-run. */
  planOnly?: boolean;
  /** --wait: run detached, but return only once the services run (and are healthy). */
  wait?: boolean;
  /** --wait-timeout, in seconds. */
  waitTimeout?: string;
  abortOnContainerExit?: boolean;
  exitCodeFrom?: string;
  /** --build: build the images of services with build: before starting; --no-build: never build. */
  build?: boolean;
  noBuild?: boolean;
  /** --pull always|missing|never, for images that are not built. */
  pull?: string;
  /** Set by `up --watch` (commands/up-watch.ts): no hint about how to start watching. */
  watch?: boolean;
  /** false with --no-dashboard: plain log lines even on a terminal. */
  dashboard?: boolean;
  /** Set by `up --watch`: where the dashboard hears of watch's syncs and rebuilds. */
  onWatchEvent?: DashboardOptions['onWatchEvent'];
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

function pullPolicy(value: string | undefined): 'always' | 'missing' | 'never' | undefined {
  if (value === undefined || value === 'policy') return undefined;
  if (value === 'always' || value === 'missing' || value === 'never') return value;
  throw new BerthError('CLI_BAD_PULL', `--pull ${value}: expected always, missing or never`, {
    hint: 'e.g. --pull never',
  });
}

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new BerthError('CLI_BAD_DURATION', `${flag} ${value}: expected a number of seconds`, {
      hint: `e.g. ${flag} 30`,
    });
  }
  return n;
}

/** Compose's rules for the flags that decide how `up` ends (compose/cmd/compose/up.go validateFlags). */
function upMode(opts: UpOptions): { mode: 'detach' | 'wait' | 'attach'; abortOnExit: boolean } {
  const abortOnExit = opts.abortOnContainerExit === true || opts.exitCodeFrom !== undefined;
  const conflict = (a: string): BerthError =>
    new BerthError('CLI_FLAG_CONFLICT', `${a} cannot be combined with --abort-on-container-exit or --exit-code-from`);
  if (opts.wait && abortOnExit) throw conflict('--wait');
  if (opts.detach && abortOnExit) throw conflict('--detach');
  return { mode: opts.wait ? 'wait' : opts.detach ? 'detach' : 'attach', abortOnExit };
}

async function makeUpPlan(
  ctx: CliContext,
  session: StackSession,
  services: readonly string[],
  opts: UpOptions & { sink?: ProgressSink },
): Promise<{ plan: Plan; images: Awaited<ReturnType<typeof resolveImages>> }> {
  const selected = selectServices(session.stack, services, opts.noDeps);
  if (opts.build && opts.noBuild) throw new BerthError('CLI_FLAG_CONFLICT', '--build and --no-build are incompatible');
  const pull = pullPolicy(opts.pull);
  const policy = opts.build ? 'always' : opts.noBuild ? 'never' : 'missing';
  const toBuild = await servicesToBuild(session, selected, policy);
  const preview = opts.dryRun === true || opts.planOnly === true;
  // A dry run or plan builds and pulls nothing: what would be built or pulled shows as a new image.
  const unbuilt = new Set(preview ? toBuild : []);
  if (unbuilt.size === 0 && toBuild.length > 0) await buildServices(ctx, session, toBuild, { pull: pull === 'always' });
  const refs = selected.map((s) => session.stack.services[s]?.image).filter((r): r is string => r !== undefined);
  const found = new Map<string, string>();
  const facts = await imageFacts(session.client, refs, found);
  const pulls = planPulls({ stack: session.stack, services: selected, images: facts, now: Date.now(), override: pull });
  const pulling = !preview && pulls.length > 0;
  if (pulling) await runPulls(ctx, session, pulls, opts.sink);
  const unpulled = new Set(preview ? pulls.filter((p) => !facts[p.ref]?.present).map((p) => p.ref) : []);
  // After the pulls, what is still missing is pulled only where the policy allows (never stays never).
  const after = pull === undefined || pull === 'never' ? pull : 'missing';
  const say = (line: string): void => ctx.stderr(`${line}\n`);
  // Without pulls in between, the images just looked at are still the ones the tags name.
  const known = pulling ? undefined : found;
  const images = await resolveImages(session, selected, say, { pull: after, unbuilt, unpulled, known });
  const imageIds = Object.fromEntries(
    Object.entries(images).map(([k, v]) => [k, unpulled.has(v.ref) ? undefined : v.id]),
  );
  const plan = planUp({
    stack: session.stack,
    observed: session.observed,
    imageIds,
    pulls: preview ? pulls : [],
    workingDir: session.projectDir,
    configFiles: session.files,
    // The shell reads the seccomp profiles security_opt names, so the planner stays pure
    readFile: (path) => readFileSync(path, 'utf8'),
    options: {
      services,
      noDeps: opts.noDeps,
      forceRecreate: opts.forceRecreate,
      noRecreate: opts.noRecreate,
      removeOrphans: opts.removeOrphans,
      scale: parseScale(opts.scale),
      stopTimeout: seconds('-t', opts.timeout),
    },
  });
  return { plan, images };
}

/** The pull actions first, on their own, so the plan that follows sees the pulled images' IDs (Compose pulls first). */
async function runPulls(
  ctx: CliContext,
  session: StackSession,
  pulls: PullDecision[],
  sink?: ProgressSink,
): Promise<void> {
  const plan = pullPlan(session.stack.name, pulls);
  const applyContext = {
    client: session.client,
    signal: ctx.signal,
    parallel: 4,
    pullImage: (ref: string, signal?: AbortSignal) =>
      pullImage(session.client, ref, { env: ctx.env, signal }).catch((e: unknown) => {
        if (e instanceof BerthError) errors.set(ref, e); // applyPlan keeps only the message; the hint is here
        throw e;
      }),
  };
  const errors = new Map<string, BerthError>();
  const events = sink ? applyEventsTo(sink) : { onStatus: progressPrinter(ctx) };
  const rows = planRows(plan);
  const result = sink
    ? await inPhase(sink, rows, () => applyPlan(plan, applyContext, events))
    : await applyPlan(plan, applyContext, events);
  if (result.failed.length === 0) return;
  const first = result.failed[0] as ApplyResult['failed'][number];
  const more = result.failed.length > 1 ? `; ${result.failed.length - 1} more image(s) failed to pull` : '';
  const error = first.action.kind === 'pull' ? errors.get(first.action.ref) : undefined;
  throw new BerthError(error?.code ?? 'CLI_PULL_FAILED', `${first.error}${more}`, { hint: error?.hint, cause: error });
}

export async function planCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: UpOptions,
): Promise<void> {
  const session = await openSession(ctx, global, services, 'report');
  try {
    const { plan } = await makeUpPlan(ctx, session, services, { ...opts, planOnly: true });
    ctx.stdout(opts.format === 'json' ? planJson(plan) : renderPlan(plan));
    if (opts.format !== 'json' && session.drift !== undefined && session.drift.length > 0) {
      ctx.stdout(`\ndrift from berth.lock (berth lock to accept):\n${driftText(session.drift)}`);
    }
  } finally {
    session.client.close();
  }
}

/** Compose's plain progress lines (` Container hello-db-1  Started`) as applyPlan's onStatus, for callers with no sink. */
export function progressPrinter(ctx: CliContext): (e: ApplyEvent) => void {
  const onStatus = applyEventsTo(plainSink(ctx.stderr)).onStatus;
  return (e) => onStatus?.(e);
}

function failures(result: ApplyResult): BerthError | undefined {
  if (result.failed.length === 0) return undefined;
  const first = result.failed[0] as ApplyResult['failed'][number];
  const more = result.failed.length > 1 ? `${result.failed.length - 1} more failed; ` : '';
  // The engine's own code and hint (berthd sends them) say more than that the apply failed.
  const cause = isBerthError(first.cause) ? first.cause : undefined;
  const { row } = first.action;
  return new BerthError(cause?.code ?? 'PLAN_APPLY_FAILED', `${row.resource} ${row.name}: ${first.error}`, {
    hint: `${more}${cause?.hint ?? 'run berth up again to converge once the cause is fixed'}`,
    cause,
  });
}

/** The containers the plan made or kept, in plan order: what attached `up` follows and `--wait` waits for. */
function upContainers(session: StackSession, plan: Plan, result: ApplyResult): AttachedContainer[] {
  const services = new Map<string, string>(session.observed.containers.map((c) => [c.name, c.service]));
  for (const a of plan.actions) if (a.kind === 'create-container') services.set(a.row.name, a.service);
  for (const u of plan.unchanged) services.set(u.name, u.service);
  return Object.entries(result.containers).map(([name, containerId]) => ({
    id: `container:${name}`,
    resource: 'container' as const,
    name,
    service: services.get(name) ?? '',
    containerId,
  }));
}

/** Services something depends on with `service_completed_successfully`: --wait accepts their exit 0. */
function completingServices(session: StackSession): Set<string> {
  const out = new Set<string>();
  for (const s of Object.values(session.stack.services)) {
    for (const [dep, rule] of Object.entries(s.depends_on ?? {})) {
      if (rule.condition === 'service_completed_successfully') out.add(dep);
    }
  }
  return out;
}

export async function upCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: UpOptions,
  signal?: AbortSignal,
): Promise<void> {
  const { mode, abortOnExit } = upMode(opts);
  const waitTimeout = seconds('--wait-timeout', opts.waitTimeout);
  const stopTimeout = seconds('-t', opts.timeout);
  const session = await openSession(ctx, global, services, 'use');
  try {
    const exitCodeFrom = opts.exitCodeFrom;
    if (exitCodeFrom !== undefined && !session.stack.services[exitCodeFrom]) {
      throw new BerthError('CLI_NO_SUCH_SERVICE', `--exit-code-from: no such service: ${exitCodeFrom}`, {
        hint: `the stack has: ${Object.keys(session.stack.services).sort().join(', ')}`,
      });
    }
    const sink = await selectProgress(ctx, global.progress);
    const { plan } = await makeUpPlan(ctx, session, services, { ...opts, sink });
    for (const w of plan.warnings) sink.warn(w);
    if (opts.dryRun) {
      ctx.stdout(renderPlan(plan));
      return;
    }
    const applyContext = { client: session.client, signal };
    const result = await inPhase(sink, planRows(plan), () => applyPlan(plan, applyContext, applyEventsTo(sink)));
    for (const w of result.warnings) sink.warn(w);
    const failed = failures(result);
    if (failed) throw failed;
    const hint = opts.watch ? undefined : watchHint(session.stack);
    if (hint) ctx.stderr(hint);
    const containers = upContainers(session, plan, result);
    if (mode === 'detach') return;
    if (mode === 'wait') {
      const wait = { sink, mayComplete: completingServices(session), signal };
      const timeoutMs = waitTimeout === undefined ? undefined : waitTimeout * 1000;
      await inPhase(sink, containers, () => waitForServices(session.client, containers, { ...wait, timeoutMs }));
      return;
    }
    if (dashboardWanted(ctx, global, { ...opts, abortOnExit })) {
      // Loaded only now: ink and react cost nothing to the commands that do not draw it.
      const { runDashboard } = await import('../dashboard/dashboard.js');
      const rebuild = (service: string): Promise<void> =>
        upCommand(quiet(ctx), { ...global, progress: 'quiet' }, [service], { ...REBUILD, timeout: opts.timeout });
      const project = session.stack.name;
      await runDashboard(ctx, session.client, {
        project,
        sink,
        stopTimeout,
        signal,
        rebuild,
        onWatchEvent: opts.onWatchEvent,
      });
      return;
    }
    await attach(ctx, session, containers, { sink, abortOnExit, exitCodeFrom, stopTimeout, signal });
  } finally {
    session.client.close();
  }
}

/** What the dashboard's rebuild key runs for one service: `up --build --no-deps -d SERVICE`. */
const REBUILD: UpOptions = { detach: true, build: true, noDeps: true, scale: [] };
const quiet = (ctx: CliContext): CliContext => ({ ...ctx, stdout: () => undefined, stderr: () => undefined });

async function attach(
  ctx: CliContext,
  session: StackSession,
  containers: AttachedContainer[],
  opts: { sink: ProgressSink; abortOnExit: boolean; exitCodeFrom?: string; stopTimeout?: number; signal?: AbortSignal },
): Promise<void> {
  const code = await attachUntilDone(ctx, session.client, containers, { project: session.stack.name, ...opts });
  if (code !== 0) throw new ExitStatus(code, `a container exited with code ${code}`);
}
