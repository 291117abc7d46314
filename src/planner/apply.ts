// Runs a plan through an EngineClient, and decides nothing: each action starts as soon as the actions it comes
// after are done, at most `parallel` at a time (waits do not take a place), and a failed action fails the ones
// after it, with the reason. The one value it fills in is what exists only once an action has run: the id of a
// container the plan creates. Every step is one the next run can converge from: a recreate renames the old
// container before it creates the new one, so a crash between leaves a container the next plan replaces.
// The shell of the planner: the only file in src/planner that talks to an engine or waits on a timer.
import type { EngineClient, EngineErrorKind } from '../client/types.js';
import { BerthError } from '../errors.js';
import type { DependsOn } from '../spec/model.js';
import type { Action, ActionId, ActionRow, ContainerRef, Plan, WaitFor } from './action.js';
import { filledRequest } from './action.js';
import { actionWords, rowKey } from './action-text.js';
import { LABEL } from './labels.js';

export type ActionStatus = 'waiting' | 'working' | 'done' | 'failed' | 'skipped';

/** A row changed state: `text` is Compose's word for it ("Created", "Waiting", "Healthy") or why it failed. */
export interface ApplyEvent {
  row: ActionRow;
  status: ActionStatus;
  text: string;
  /** The action, when the event is one's (unchanged containers have none). */
  action?: Action;
}

export interface ApplyEvents {
  onStatus?: (e: ApplyEvent) => void;
}

export interface ApplyContext {
  client: EngineClient;
  parallel?: number;
  /** Between polls of a dependency's health; default 500 ms. */
  pollMs?: number;
  signal?: AbortSignal;
  /** How `pull` actions pull (with the docker CLI's credentials and progress): the shell's. */
  pullImage?: (ref: string, signal?: AbortSignal) => Promise<void>;
}

export interface ApplyResult {
  /** `cause`: what the first failure down the chain threw, so that an engine's code and hint reach the user. */
  failed: Array<{ action: Action; error: string; cause?: unknown }>;
  /** What a wait that is not required could not wait for (Compose warns and goes on). */
  warnings: string[];
  /** Every container the plan made or kept, by name: its id now. */
  containers: Record<string, string>;
}

interface Run {
  plan: Plan;
  ctx: ApplyContext;
  /** The id of each container a create-container action made, by the action's id. */
  created: Map<ActionId, string>;
  warnings: string[];
  report: (row: ActionRow, status: ActionStatus, text: string, action?: Action) => void;
}

export async function applyPlan(plan: Plan, ctx: ApplyContext, events: ApplyEvents = {}): Promise<ApplyResult> {
  const failed: ApplyResult['failed'] = [];
  const run: Run = {
    plan,
    ctx,
    created: new Map(),
    warnings: [],
    report: (row, status, text, action) => events.onStatus?.({ row, status, text, action }),
  };
  for (const u of plan.unchanged) run.report({ resource: 'container', name: u.name }, 'done', 'Running');
  const limit = semaphore(ctx.parallel ?? 8);
  const done = new Map<ActionId, Promise<void>>();
  const shown = new Set<string>();
  const words = actionWords(plan.actions);
  for (const action of plan.actions) {
    if (action.kind !== 'wait' && !shown.has(rowKey(action.row))) {
      shown.add(rowKey(action.row));
      run.report(action.row, 'waiting', 'waiting', action);
    }
    const settled = (async (): Promise<void> => {
      const reasons = (await Promise.allSettled(action.after.map((id) => afterOf(done, id)))).flatMap((r) =>
        r.status === 'rejected' ? [r.reason as DependencyFailed] : [],
      );
      // A wait that is not required runs even when what it waits for failed: it then only warns
      const first = reasons[0];
      if (first && !(action.kind === 'wait' && !action.required)) throw new DependencyFailed(first, action.row);
      if (ctx.signal?.aborted) throw new BerthError('PLAN_INTERRUPTED', 'interrupted');
      const say = words.get(action.id) ?? {};
      const work = async (): Promise<void> => {
        if (say.working) run.report(action.row, 'working', say.working, action);
        await execute(action, run);
      };
      await (action.kind === 'wait' ? work() : limit(work));
      if (say.done) run.report(action.row, 'done', say.done, action);
    })().catch((e: unknown) => {
      const error = e instanceof DependencyFailed ? e : new DependencyFailed(e, action.row);
      failed.push({ action, error: error.message, cause: rootCause(e) });
      // A row shows its first error: an action after a failed one on the same row does not hide it
      if (!(e instanceof DependencyFailed && e.sameRow)) run.report(action.row, 'failed', error.message, action);
      throw error;
    });
    settled.catch(() => undefined);
    done.set(action.id, settled);
  }
  await Promise.allSettled(done.values());
  return { failed, warnings: run.warnings, containers: containersOf(plan, run.created) };
}

/** What the first failed action threw, under the DependencyFailed of those after it. */
function rootCause(e: unknown): unknown {
  let cause = e;
  while (cause instanceof DependencyFailed) cause = cause.cause;
  return cause;
}

function afterOf(done: ReadonlyMap<ActionId, Promise<void>>, id: ActionId): Promise<void> {
  const p = done.get(id);
  if (!p) throw new Error(`the plan is not in topological order: ${id} comes later`);
  return p;
}

/** Why an action did not run or failed; after another action's failure, names that action's row. */
class DependencyFailed extends Error {
  readonly row: ActionRow;
  readonly sameRow: boolean;
  constructor(cause: unknown, row: ActionRow) {
    const from = cause instanceof DependencyFailed ? cause : undefined;
    const why = cause instanceof Error ? cause.message : String(cause);
    const sameRow = from !== undefined && rowKey(from.row) === rowKey(row);
    super(from && !sameRow && !why.startsWith('dependency ') ? `dependency ${from.row.name} failed: ${why}` : why, {
      cause,
    });
    this.row = from && sameRow ? from.row : row;
    this.sameRow = sameRow;
  }
}

function containersOf(plan: Plan, created: ReadonlyMap<ActionId, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const u of plan.unchanged) out[u.name] = u.id;
  for (const a of plan.actions) {
    if (a.kind === 'start' || a.kind === 'restart') {
      const id = 'id' in a.container ? a.container.id : created.get(a.container.createdBy);
      if (id) out[a.row.name] = id;
    }
  }
  return out;
}

/** The id of a container the action names: given, or made by an earlier create-container of the plan. */
function refOf(ref: ContainerRef, run: Run): string {
  if ('id' in ref) return ref.id;
  const id = run.created.get(ref.createdBy);
  if (id === undefined) throw new Error(`action ${ref.createdBy} made no container`);
  return id;
}

/** Runs one action; the `switch` covers every kind (the `never` check makes a new kind a compile error). */
async function execute(action: Action, run: Run): Promise<void> {
  const { client } = run.ctx;
  switch (action.kind) {
    case 'pull':
      if (!run.ctx.pullImage) throw new BerthError('PLAN_CANNOT_PULL', `nothing to pull ${action.ref} with`);
      return run.ctx.pullImage(action.ref, run.ctx.signal);
    case 'create-network':
      return createNetwork(client, run.plan.project, action.request);
    case 'create-volume':
      await client.volumes.create(action.request);
      return;
    case 'create-container':
      run.created.set(action.id, await createContainer(client, { project: run.plan.project, action, run }));
      return;
    case 'start':
      return client.containers.start(refOf(action.container, run));
    case 'restart':
      return client.containers.restart(refOf(action.container, run), timeoutOf(action));
    case 'stop':
      // A recreate's or a down's stop: a container gone meanwhile (a killed run's removal, which the engine
      // went on with) counts as stopped
      return client.containers.stop(refOf(action.container, run), timeoutOf(action)).catch(ignoreGone);
    case 'remove-container': {
      const ref = refOf(action.container, run);
      await client.containers.stop(ref, timeoutOf(action)).catch(ignoreGone);
      return removeForced(client, ref, run.ctx.signal);
    }
    case 'remove-network':
      return client.networks.remove(action.network).catch(ignoreGone);
    case 'remove-volume':
      return client.volumes.remove(action.volume).catch(ignoreGone);
    case 'wait':
      return waitFor(action, run);
    default: {
      const unknown: never = action;
      throw new Error(`unknown action ${JSON.stringify(unknown)}`);
    }
  }
}

function timeoutOf(a: { timeoutSeconds?: number }): { timeoutSeconds?: number } {
  return a.timeoutSeconds === undefined ? {} : { timeoutSeconds: a.timeoutSeconds };
}

async function createNetwork(
  client: EngineClient,
  project: string,
  request: Parameters<EngineClient['networks']['create']>[0],
): Promise<void> {
  try {
    await client.networks.create(request);
  } catch (e) {
    // Made meanwhile (by a run that was cut short, say): fine if it is this project's network.
    if (kindOf(e) !== 'conflict') throw e;
    const found = await client.networks.inspect(request.name);
    if (found?.labels[LABEL.project] !== project) {
      throw new BerthError(
        'PLAN_NETWORK_FOREIGN',
        `network ${request.name} exists but was not created by project "${project}"`,
        {
          hint: 'remove it, or declare it `external: true`',
        },
      );
    }
  }
}

type CreateAction = Extract<Action, { kind: 'create-container' }>;

/**
 * Creates a container as the action says: the `{aN}` values filled in with the ids of the containers those actions
 * made; a replaced container renamed out of the way first and removed once the new one exists; a name taken by
 * this very container (made by a run that was cut short) taken as it is; the extra networks connected.
 * Resolves with the new container's id. `run` (the `berth run` command) uses it for its one-off container too.
 */
export async function createContainer(
  client: EngineClient,
  opts: {
    project: string;
    action: Pick<CreateAction, 'request' | 'service' | 'configHash' | 'connect' | 'fills' | 'replaces'>;
    run?: Pick<Run, 'created' | 'ctx'>;
  },
): Promise<string> {
  const { action, project } = opts;
  const request = filledRequest(action.request, action.fills, (from) => {
    const id = opts.run?.created.get(from);
    if (id === undefined) throw new Error(`action ${from} made no container`);
    return id;
  });
  if (action.replaces !== undefined) {
    const tmp = `${action.replaces.slice(0, 12)}_${request.name}`;
    const old = await client.containers.inspect(action.replaces);
    if (old && old.name !== tmp) await client.containers.rename(action.replaces, tmp).catch(ignoreGone);
  }
  const signal = opts.run?.ctx.signal;
  const id = await createOrTakeOver(client, request, signal, (labels) => {
    // A one-off container (`run`) is never taken over: its name is the user's, or random
    return (
      labels[LABEL.oneoff] !== 'True' &&
      labels[LABEL.project] === project &&
      labels[LABEL.service] === action.service &&
      labels[LABEL.configHash] === action.configHash
    );
  });
  for (const c of action.connect) await client.containers.connect(id, c.network, c.endpoint);
  if (action.replaces !== undefined) await removeForced(client, action.replaces, signal);
  return id;
}

/**
 * Creates the container; when its name is taken by one that `same` accepts (made by a cut-short run), resolves with
 * that one's id instead. A name held by a create still under way (the engine has the name, not yet the container:
 * a cut-short run's request the engine goes on with) is asked again until that create has ended.
 */
async function createOrTakeOver(
  client: EngineClient,
  request: Parameters<EngineClient['containers']['create']>[0],
  signal: AbortSignal | undefined,
  same: (labels: Readonly<Record<string, string>>) => boolean,
): Promise<string> {
  for (const started = Date.now(); ;) {
    try {
      return (await client.containers.create(request)).id;
    } catch (e) {
      if (kindOf(e) !== 'conflict') throw e;
      const found = await client.containers.inspect(request.name);
      if (found) {
        if (!same(found.config.Labels ?? {})) throw e;
        return found.id;
      }
      await busyPause(started, e, signal);
    }
  }
}

/**
 * Removes a container with force; done once it is gone. A removal already under way (a cut-short run's, which the
 * engine goes on with: a conflict) is waited for, by asking again until the container is gone.
 */
async function removeForced(client: EngineClient, ref: string, signal: AbortSignal | undefined): Promise<void> {
  for (const started = Date.now(); ;) {
    try {
      return await client.containers.remove(ref, { force: true });
    } catch (e) {
      if (kindOf(e) === 'not-found') return;
      if (kindOf(e) !== 'conflict') throw e;
      await busyPause(started, e, signal);
    }
  }
}

/** Between two asks of a busy create or removal: throws `e` once BUSY_WAIT_MS have passed, and at an interrupt. */
async function busyPause(started: number, e: unknown, signal: AbortSignal | undefined): Promise<void> {
  if (Date.now() - started > BUSY_WAIT_MS) throw e;
  if (signal?.aborted) throw new BerthError('PLAN_INTERRUPTED', 'interrupted');
  await new Promise((r) => setTimeout(r, 50));
}

// How long a cut-short run's create or removal is waited for: a force removal waits up to 5 s for the exit
const BUSY_WAIT_MS = 30_000;

/** A wait action: each container it names meets the condition; shown on their rows as Compose shows them. */
async function waitFor(action: WaitFor & { row: ActionRow }, run: Run): Promise<void> {
  try {
    if (action.containers.length === 0 && action.required) {
      throw new BerthError('PLAN_DEPENDENCY_MISSING', `service "${action.service}" has no container to depend on`);
    }
    if (action.condition === 'service_started') return;
    const rule = { condition: action.condition, required: action.required };
    const met = action.condition === 'service_healthy' ? 'Healthy' : 'Exited';
    await Promise.all(
      action.containers.map(async (c) => {
        const row: ActionRow = { resource: 'container', name: c.name };
        run.report(row, 'working', 'Waiting');
        await waitForCondition(run.ctx, action.service, refOf(c.container, run), rule);
        run.report(row, 'done', met);
      }),
    );
  } catch (e) {
    if (action.required || (e instanceof BerthError && e.code === 'PLAN_INTERRUPTED')) throw e;
    run.warnings.push(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Polls container `id` of `service` until its depends_on condition holds (service_started holds at once); throws a
 * BerthError saying why when it cannot (unhealthy, exited, no healthcheck, a failed job). `run` waits with it too.
 */
export async function waitForCondition(
  ctx: Pick<ApplyContext, 'client' | 'signal' | 'pollMs'>,
  service: string,
  id: string,
  rule: DependsOn,
): Promise<void> {
  if (rule.condition === 'service_started') return;
  for (;;) {
    if (ctx.signal?.aborted) throw new BerthError('PLAN_INTERRUPTED', 'interrupted');
    const c = await ctx.client.containers.inspect(id);
    if (!c) throw new BerthError('PLAN_DEPENDENCY_GONE', `dependency "${service}" has no container ${id} any more`);
    const ended = c.state.status === 'exited' || c.state.status === 'dead';
    if (rule.condition === 'service_completed_successfully') {
      if (ended && c.state.exitCode === 0) return;
      if (ended) {
        const why = `service "${service}" didn't complete successfully: exit ${c.state.exitCode}`;
        throw new BerthError('PLAN_DEPENDENCY_FAILED', why);
      }
    } else {
      const health = c.state.health?.status;
      if (health === undefined || health === 'none') {
        throw new BerthError('PLAN_NO_HEALTHCHECK', `dependency "${service}" has no healthcheck configured`, {
          hint: `add a healthcheck to "${service}" or use condition: service_started`,
        });
      }
      if (health === 'healthy') return;
      if (health === 'unhealthy')
        throw new BerthError('PLAN_DEPENDENCY_UNHEALTHY', `dependency "${service}" is unhealthy`);
      if (ended) throw new BerthError('PLAN_DEPENDENCY_EXITED', `dependency "${service}" exited (${c.state.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, ctx.pollMs ?? 500));
  }
}

/** The kind of an EngineError, read as data: even the planner's shell imports only the client's types. */
const kindOf = (e: unknown): EngineErrorKind | undefined => (e as { kind?: EngineErrorKind } | null)?.kind;

function ignoreGone(e: unknown): void {
  if (kindOf(e) === 'not-found' || kindOf(e) === 'not-modified') return;
  throw e;
}

/** At most `n` tasks at once. */
function semaphore(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
