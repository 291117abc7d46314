// `up --wait`: after the plan is applied, wait until every container of the services brought up runs, and is
// healthy if it has a healthcheck, as `docker compose up --wait` does; fail naming the service as soon as one
// exits or turns unhealthy, or when --wait-timeout passes. A container without a healthcheck counts once it has run
// for SETTLE_MS: Compose takes the first "running" it sees, so a command that fails at once (`exit 4`, a missing
// file) passes its --wait or not depending on which poll comes first.
import type { EngineClient } from '../../client/types.js';
import { BerthError } from '../../errors.js';
import type { ProgressRow, ProgressSink } from '../progress/sink.js';

/** A container to wait for: a progress row plus its service and container id. */
export interface WaitTarget extends ProgressRow {
  service: string;
  containerId: string;
}

export interface WaitOptions {
  /** Fail after this long; undefined waits as long as it takes. */
  timeoutMs?: number;
  pollMs?: number;
  /** How long a container without a healthcheck must have run to count as up; SETTLE_MS unless given. */
  settleMs?: number;
  /** Services that may exit 0: something depends on them with condition service_completed_successfully. */
  mayComplete: ReadonlySet<string>;
  signal?: AbortSignal;
}

export const SETTLE_MS = 500;

/** The word a failed row shows; the error itself says the rest once, at the end. */
const SHORT: Record<string, string> = { CLI_WAIT_UNHEALTHY: 'Unhealthy', CLI_WAIT_EXITED: 'Exited' };

/** Resolves when every target is running (and healthy); rejects with a BerthError naming the first that is not. */
export async function waitForServices(
  client: EngineClient,
  targets: readonly WaitTarget[],
  opts: WaitOptions & { sink: ProgressSink },
): Promise<void> {
  const stop = new AbortController();
  opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const pending = new Set(targets);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (opts.timeoutMs === undefined) return;
    timer = setTimeout(() => {
      const late = [...new Set([...pending].map((t) => t.service))].sort().join(', ');
      const why = `services not running or healthy after ${(opts.timeoutMs as number) / 1000}s: ${late}`;
      const hint = 'raise --wait-timeout, or see why with berth ps and berth logs';
      reject(new BerthError('CLI_WAIT_TIMEOUT', why, { hint }));
    }, opts.timeoutMs);
  });
  const each = targets.map(async (t) => {
    opts.sink.event({ ...t, status: 'working', text: 'Waiting' });
    try {
      const word = await waitForOne(client, t, opts, stop.signal);
      pending.delete(t);
      opts.sink.event({ ...t, status: 'done', text: word });
    } catch (e) {
      if (!stop.signal.aborted)
        opts.sink.event({ ...t, status: 'failed', text: SHORT[(e as BerthError).code] ?? (e as Error).message });
      throw e;
    }
  });
  try {
    await Promise.race([Promise.all(each), timeout]);
  } finally {
    clearTimeout(timer);
    stop.abort();
    await Promise.allSettled(each);
  }
}

/** Polls one container; resolves with Compose's word for how it ended up ("Healthy", "Running", "Exited"). */
async function waitForOne(
  client: EngineClient,
  t: WaitTarget,
  opts: WaitOptions,
  signal: AbortSignal,
): Promise<string> {
  const seen = Date.now();
  for (;;) {
    if (signal.aborted) throw new BerthError('CLI_WAIT_CANCELLED', 'cancelled');
    const c = await client.containers.inspect(t.containerId);
    if (c === undefined) {
      throw new BerthError('CLI_WAIT_GONE', `service "${t.service}": container ${t.name} was removed`, {
        hint: `something else removed it; run berth up again`,
      });
    }
    const health = c.state.health?.status;
    if (c.state.status === 'exited' || c.state.status === 'dead') {
      if (c.state.exitCode === 0 && opts.mayComplete.has(t.service)) return 'Exited';
      throw new BerthError(
        'CLI_WAIT_EXITED',
        `service "${t.service}": container ${t.name} exited (${c.state.exitCode})`,
        {
          hint: `see its output with berth logs ${t.service}`,
        },
      );
    }
    if (c.state.status === 'running') {
      if ((health === undefined || health === 'none') && settled(c.state.startedAt, seen, opts)) return 'Running';
      if (health === 'healthy') return 'Healthy';
      if (health === 'unhealthy') {
        throw new BerthError('CLI_WAIT_UNHEALTHY', `service "${t.service}": container ${t.name} is unhealthy`, {
          hint: `its healthcheck's last output is in: docker inspect ${t.name}`,
        });
      }
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}

/**
 * Whether a running container has run for the settle time: since the engine's start time, or, when the engine's
 * clock is ahead of ours (a remote dockerd), since this wait began, so a skewed clock adds at most one settle time.
 */
export function settled(startedAt: string, waitBegan: number, opts: Pick<WaitOptions, 'settleMs'>, now = Date.now()) {
  const settle = opts.settleMs ?? SETTLE_MS;
  const started = Date.parse(startedAt);
  if (Number.isFinite(started) && now - started >= settle) return true;
  return now - waitBegan >= settle;
}
