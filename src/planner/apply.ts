// Applies a plan through the Engine API: each action starts as soon as what it waits for is done (networks and
// volumes before the containers that use them, a service after the services it depends on and their
// depends_on conditions), at most `parallel` at a time. A failed action fails the actions that wait on it, with
// the reason. Every step is one the next run can converge from: a recreate renames the old container before it
// creates the new one, so a crash between leaves a container the next plan recognizes and replaces.
import type { EngineClient, EngineErrorKind, NetworkCreate, VolumeCreate } from '../client/types.js';
import { BerthError } from '../errors.js';
import type { DependsOn, Service, Stack } from '../spec/model.js';
import { serviceConfigHash, serviceKeyHashes } from '../spec/config-hash.js';
import { readFileSync } from 'node:fs';
import { containerCreateRequest } from './container-spec.js';
import { LABEL } from './labels.js';
import type { Action, Plan } from './plan.js';
import { serviceDependencies } from './plan.js';
import { inlineSeccompProfiles } from './seccomp-inline.js';

export type ActionStatus = 'waiting' | 'working' | 'done' | 'failed' | 'skipped';

export interface ApplyEvents {
  /** An action changed state; `text` says what it is doing or why it failed. */
  onStatus?: (action: Action, status: ActionStatus, text: string) => void;
}

export interface ApplyContext {
  client: EngineClient;
  stack: Stack;
  /** The image each service runs, by service name, and the ID it resolved to. */
  images: Readonly<Record<string, { ref: string; id: string }>>;
  workingDir: string;
  configFiles: string[];
  /** Seconds to wait for a container to stop before it is killed (docker compose -t). */
  stopTimeout?: number;
  parallel?: number;
  /** Between polls of a dependency's health; default 500 ms. */
  pollMs?: number;
  signal?: AbortSignal;
  /** The container of a service (its first replica), for `network_mode: service:NAME` and the like. */
  serviceContainers?: (service: string) => string | undefined;
  /** Runs a `pull` action: pulls the image (with the user's registry credentials); the CLI supplies it. */
  pullImage?: (ref: string, signal?: AbortSignal) => Promise<void>;
}

export interface ApplyResult {
  /** `cause`: what the action threw, so that an engine's code and hint reach the user. */
  failed: Array<{ action: Action; error: string; cause?: unknown }>;
  /** The container id of each container action that made or kept one. */
  containers: Record<string, string>;
}

export async function applyPlan(plan: Plan, ctx: ApplyContext, events: ApplyEvents = {}): Promise<ApplyResult> {
  const byId = new Map(plan.actions.map((a) => [a.id, a]));
  const done = new Map<string, Promise<void>>();
  const failed: ApplyResult['failed'] = [];
  const containers: Record<string, string> = {};
  const limit = semaphore(ctx.parallel ?? 8);
  const firstOf = (service: string): string | undefined => {
    const a = plan.actions.find((x) => x.resource === 'container' && x.service === service && x.kind !== 'remove');
    return a ? (containers[a.id] ?? a.containerId) : undefined;
  };
  ctx = { ...ctx, serviceContainers: ctx.serviceContainers ?? firstOf };
  const report = (a: Action, s: ActionStatus, text: string): void => events.onStatus?.(a, s, text);

  const serviceActions = (service: string): Action[] =>
    plan.actions.filter((a) => a.resource === 'container' && a.service === service && a.kind !== 'remove');

  const run = (action: Action): Promise<void> => {
    const existing = done.get(action.id);
    if (existing) return existing;
    const promise = (async (): Promise<void> => {
      report(action, 'waiting', 'waiting');
      for (const dep of action.after) {
        const other = byId.get(dep);
        if (other) await run(other);
      }
      if (action.resource === 'container' && action.service && action.kind !== 'remove') {
        await waitForDependencies(action, ctx, { serviceActions, run, containers, report });
      }
      if (ctx.signal?.aborted) throw new BerthError('PLAN_INTERRUPTED', 'interrupted');
      await limit(async () => {
        if (action.kind !== 'unchanged') report(action, 'working', workingText(action));
        const id = await execute(action, ctx);
        if (id) containers[action.id] = id;
      });
      report(action, 'done', doneText(action));
    })();
    const guarded = promise.catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      failed.push({ action, error: message, cause: e });
      report(action, 'failed', message);
      throw new DependencyFailed(action, message);
    });
    done.set(action.id, guarded);
    guarded.catch(() => undefined);
    return guarded;
  };

  await Promise.allSettled(plan.actions.map(run));
  return { failed, containers };
}

class DependencyFailed extends Error {
  constructor(action: Action, why: string) {
    super(why.startsWith('dependency ') ? why : `dependency ${action.name} failed: ${why}`);
  }
}

interface DependencyWait {
  serviceActions: (service: string) => Action[];
  run: (a: Action) => Promise<void>;
  containers: Record<string, string>;
  report: (a: Action, s: ActionStatus, text: string) => void;
}

/**
 * Waits for the depends_on conditions of `action`'s service. A wait for health or completion shows on the
 * dependency's row as Compose shows it (` Container db-1  Waiting`, then `Healthy` or `Exited`).
 */
async function waitForDependencies(action: Action, ctx: ApplyContext, w: DependencyWait): Promise<void> {
  const service = ctx.stack.services[action.service as string] as Service;
  for (const [dep, rule] of Object.entries(serviceDependencies(service))) {
    const depActions = w.serviceActions(dep);
    try {
      for (const a of depActions) await w.run(a);
      const waited = depActions
        .map((a) => ({ action: a, id: w.containers[a.id] ?? a.containerId }))
        .filter((x): x is { action: Action; id: string } => !!x.id);
      if (waited.length === 0 && rule.required) {
        throw new BerthError('PLAN_DEPENDENCY_MISSING', `service "${dep}" has no container to depend on`);
      }
      if (rule.condition === 'service_started') continue;
      const met = rule.condition === 'service_healthy' ? 'Healthy' : 'Exited';
      await Promise.all(
        waited.map(async ({ action: a, id }) => {
          w.report(a, 'working', 'Waiting');
          await waitForCondition(ctx, dep, id, rule);
          w.report(a, 'done', met);
        }),
      );
    } catch (e) {
      if (!rule.required) continue; // required: false: a missing or failed dependency only warns (Compose)
      throw e;
    }
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
  const pollMs = ctx.pollMs ?? 500;
  for (;;) {
    if (ctx.signal?.aborted) throw new BerthError('PLAN_INTERRUPTED', 'interrupted');
    const found = await ctx.client.containers.inspect(id);
    if (!found) throw new BerthError('PLAN_DEPENDENCY_GONE', `dependency "${service}" has no container ${id} any more`);
    const state = found.state;
    if (rule.condition === 'service_completed_successfully') {
      if (state.status === 'exited' || state.status === 'dead') {
        if (state.exitCode === 0) return;
        throw new BerthError(
          'PLAN_DEPENDENCY_FAILED',
          `service "${service}" didn't complete successfully: exit ${state.exitCode}`,
        );
      }
    } else {
      const health = state.health?.status;
      if (health === undefined) {
        throw new BerthError('PLAN_NO_HEALTHCHECK', `dependency "${service}" has no healthcheck configured`, {
          hint: `add a healthcheck to "${service}" or use condition: service_started`,
        });
      }
      if (health === 'healthy') return;
      if (health === 'unhealthy') {
        throw new BerthError('PLAN_DEPENDENCY_UNHEALTHY', `dependency "${service}" is unhealthy`);
      }
      if (state.status === 'exited' || state.status === 'dead') {
        throw new BerthError('PLAN_DEPENDENCY_EXITED', `dependency "${service}" exited (${state.exitCode})`);
      }
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Runs one action; resolves with the id of the container it made or kept, if any. */
async function execute(action: Action, ctx: ApplyContext): Promise<string | undefined> {
  const { client, stack } = ctx;
  const t = ctx.stopTimeout;
  switch (action.kind) {
    case 'pull':
      if (!ctx.pullImage) throw new BerthError('PLAN_CANNOT_PULL', `nothing to pull ${action.name} with`);
      await ctx.pullImage(action.name, ctx.signal);
      return undefined;
    case 'create-network': {
      const net = stack.networks[action.key as string];
      if (!net) return undefined;
      await client.networks.create(networkBody(stack, action.key as string)).catch(async (e: unknown) => {
        // Made meanwhile (by a run that was cut short, say): fine if it is this project's network.
        if (kindOf(e) !== 'conflict') throw e;
        const found = await client.networks.inspect(net.name);
        if (found?.labels[LABEL.project] !== stack.name) {
          throw new BerthError(
            'PLAN_NETWORK_FOREIGN',
            `network ${net.name} exists but was not created by project "${stack.name}"`,
            { hint: `remove it, or declare it \`external: true\`` },
          );
        }
      });
      return undefined;
    }
    case 'create-volume': {
      await client.volumes.create(volumeBody(stack, action.key as string));
      return undefined;
    }
    case 'unchanged':
      return action.containerId;
    case 'start':
      await client.containers.start(action.containerId as string);
      return action.containerId;
    case 'restart':
      // depends_on.restart: after the dependency changed (and met its condition: this runs after the wait)
      await client.containers.restart(action.containerId as string, { timeoutSeconds: t });
      return action.containerId;
    case 'create':
      return createAndStart(action, ctx);
    case 'recreate': {
      const old = action.containerId as string;
      await client.containers.stop(old, { timeoutSeconds: t });
      // Renamed first, so the new container can take the name and a crash leaves a container the next plan finds.
      const tmp = `${old.slice(0, 12)}_${action.name.replace(/^[0-9a-f]{12}_/, '')}`;
      if (tmp !== action.name) await client.containers.rename(old, tmp);
      const id = await createAndStart({ ...action, name: action.name.replace(/^[0-9a-f]{12}_/, '') }, ctx, old);
      return id;
    }
    case 'remove':
      await client.containers.stop(action.containerId as string, { timeoutSeconds: t }).catch(ignoreGone);
      await client.containers.remove(action.containerId as string, { force: true }).catch(ignoreGone);
      return undefined;
    case 'remove-network':
      await client.networks.remove(action.name).catch(ignoreGone);
      return undefined;
    case 'remove-volume':
      await client.volumes.remove(action.name).catch(ignoreGone);
      return undefined;
  }
}

async function createAndStart(action: Action, ctx: ApplyContext, replaces?: string): Promise<string> {
  const { client, stack } = ctx;
  const service = stack.services[action.service as string] as Service;
  const image = ctx.images[service.name];
  if (!image) throw new BerthError('PLAN_NO_IMAGE', `no image for service "${service.name}"`);
  const networkNames = Object.fromEntries(Object.entries(stack.networks).map(([k, n]) => [k, n.name]));
  const volumeNames = Object.fromEntries(Object.entries(stack.volumes).map(([k, v]) => [k, v.name]));
  const req = containerCreateRequest({
    stack,
    service,
    number: action.number ?? 1,
    name: action.name,
    image: image.ref,
    configHash: serviceConfigHash(service),
    workingDir: ctx.workingDir,
    configFiles: ctx.configFiles,
    networkNames,
    volumeNames,
    serviceContainer: (name) => ctx.serviceContainers?.(name),
    imageDigest: image.id,
  });
  if (req.unresolved.length > 0) {
    throw new BerthError('PLAN_UNRESOLVED', `${req.unresolved.join(', ')} names a service with no container yet`, {
      hint: 'the service it names must be part of this up (or already running)',
    });
  }
  const body = {
    ...req.body,
    Labels: { ...(req.body.Labels ?? {}), [LABEL.keyHashes]: JSON.stringify(serviceKeyHashes(service)) },
  };
  const securityOpt = inlineSeccompProfiles(body.HostConfig?.SecurityOpt, (p) => readFileSync(p, 'utf8'));
  if (securityOpt) body.HostConfig = { ...body.HostConfig, SecurityOpt: securityOpt };
  const created = await client.containers
    .create({ name: req.name, platform: req.platform, body })
    .catch(async (e: unknown) => {
      // The name is taken: by this very container, if a run cut short made it after this run looked. Use it.
      if (kindOf(e) !== 'conflict') throw e;
      const found = await client.containers.inspect(req.name);
      const labels = found?.config.Labels ?? {};
      const same =
        labels[LABEL.project] === stack.name &&
        labels[LABEL.service] === service.name &&
        labels[LABEL.configHash] === serviceConfigHash(service);
      if (!found || !same) throw e;
      return { id: found.id };
    });
  for (const extra of req.extraNetworks ?? []) {
    await client.containers.connect(created.id, extra.network, extra.endpoint);
  }
  if (replaces) await client.containers.remove(replaces, { force: true }).catch(ignoreGone);
  await client.containers.start(created.id);
  return created.id;
}

export function networkBody(stack: Stack, key: string): NetworkCreate {
  const net = stack.networks[key];
  if (!net) throw new BerthError('PLAN_UNKNOWN_NETWORK', `network "${key}" is not in the stack`);
  const ipam = net.ipam;
  return {
    name: net.name,
    driver: net.driver ?? 'bridge',
    internal: net.internal === true,
    attachable: net.attachable === true,
    enableIPv6: net.enable_ipv6 === true,
    driverOpts: net.driver_opts ?? {},
    ipam: ipam
      ? {
          driver: ipam.driver ?? 'default',
          options: ipam.options ?? {},
          config: (ipam.config ?? []).map((c) => ({
            subnet: c.subnet as string | undefined,
            gateway: c.gateway as string | undefined,
            ipRange: c.ip_range as string | undefined,
            auxAddresses: c.aux_addresses as Record<string, string> | undefined,
          })),
        }
      : undefined,
    labels: { ...(net.labels ?? {}), [LABEL.project]: stack.name, [LABEL.network]: key, [LABEL.version]: '2.29.0' },
  };
}

export function volumeBody(stack: Stack, key: string): VolumeCreate {
  const vol = stack.volumes[key];
  if (!vol) throw new BerthError('PLAN_UNKNOWN_VOLUME', `volume "${key}" is not in the stack`);
  return {
    name: vol.name,
    driver: vol.driver ?? 'local',
    driverOpts: vol.driver_opts ?? {},
    labels: { ...(vol.labels ?? {}), [LABEL.project]: stack.name, [LABEL.volume]: key, [LABEL.version]: '2.29.0' },
  };
}

/** The kind of an EngineError (read as data: the planner imports only the client's types). */
const kindOf = (e: unknown): EngineErrorKind | undefined => (e as { kind?: EngineErrorKind } | null)?.kind;

function ignoreGone(e: unknown): void {
  if (kindOf(e) === 'not-found' || kindOf(e) === 'not-modified') return;
  throw e;
}

function workingText(a: Action): string {
  switch (a.kind) {
    case 'pull':
      return 'Pulling';
    case 'create-network':
    case 'create-volume':
    case 'create':
      return 'Creating';
    case 'recreate':
      return 'Recreating';
    case 'start':
      return 'Starting';
    case 'restart':
      return 'Restarting';
    case 'unchanged':
      return 'Running';
    default:
      return 'Removing';
  }
}

function doneText(a: Action): string {
  switch (a.kind) {
    case 'pull':
      return 'Pulled';
    case 'create-network':
    case 'create-volume':
      return 'Created';
    case 'create':
    case 'recreate':
    case 'start':
    case 'restart':
      return 'Started';
    case 'unchanged':
      return 'Running';
    default:
      return 'Removed';
  }
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
