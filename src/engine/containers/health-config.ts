// What a container's healthcheck is and what one probe result does to its health, by Docker's rules (moby
// daemon/health.go and the image/container config merge of daemon/commit.go), as pure functions on data.
// The monitor that runs the probes on a timer is health.ts.
import { EngineError } from '../errors.js';

/** One probe run as State.Health.Log holds it (Docker's HealthcheckResult); ExitCode -1 when it could not run. */
export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/**
 * Docker's State.Health. `starting` from each start until the first success (`healthy`) or until `retries`
 * failures in a row that count (`unhealthy`); failures inside the start period do not count while it is starting.
 * `Log` holds the last HEALTH_LOG_ENTRIES results, oldest first, and is kept across restarts, as Docker does.
 */
export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthLogEntry[];
}

/** A healthcheck resolved against the image's: the argv to exec and durations in ms, Docker's defaults filled in. */
export interface HealthProbe {
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

/** Config.Healthcheck of the API and of image configs; durations in nanoseconds, 0 meaning "inherit/default". */
interface HealthcheckConfig {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export const HEALTH_LOG_ENTRIES = 5;
/** Longest probe output kept in the log (Docker's maxOutputLen). */
export const HEALTH_OUTPUT_MAX = 4096;
const DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, startPeriodMs: 0, retries: 3 };
const DURATIONS = ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const;

/**
 * The probe to run for a container: the create request's Healthcheck, each unset field taken from the image's
 * (Docker merges them at create). Undefined when there is none, or when Test is ["NONE"] (`--no-healthcheck`).
 */
export function resolveHealthcheck(
  config: Record<string, unknown>,
  imageConfig: Record<string, unknown>,
): HealthProbe | undefined {
  const own = config.Healthcheck as HealthcheckConfig | null | undefined;
  const image = imageConfig.Healthcheck as HealthcheckConfig | null | undefined;
  const pick = <K extends keyof HealthcheckConfig>(key: K): HealthcheckConfig[K] => {
    const value = own?.[key];
    const unset = value === undefined || value === null || value === 0 || (Array.isArray(value) && value.length === 0);
    return unset ? image?.[key] : value;
  };
  const test = pick('Test') ?? [];
  const [kind, ...rest] = test;
  const shell = (config.Shell as string[] | undefined) ?? (imageConfig.Shell as string[] | undefined);
  const argv = kind === 'CMD' ? rest : kind === 'CMD-SHELL' ? [...(shell ?? ['/bin/sh', '-c']), ...rest] : [];
  if (argv.length === 0) return undefined; // NONE, an unknown kind (Docker logs and ignores it), or no command
  const ms = (ns: number | undefined, fallback: number): number => (ns && ns > 0 ? Math.round(ns / 1e6) : fallback);
  const retries = pick('Retries');
  const intervalMs = ms(pick('Interval'), DEFAULTS.intervalMs);
  return {
    argv,
    intervalMs,
    timeoutMs: ms(pick('Timeout'), DEFAULTS.timeoutMs),
    startPeriodMs: ms(pick('StartPeriod'), DEFAULTS.startPeriodMs),
    // StartInterval is API 1.44 (Docker 25) and berthd speaks 1.41: without one, probes run every Interval from
    // the start, as dockerd 20.10 does (not every 5 s, Docker 25's default, which would slow `up --wait`).
    startIntervalMs: ms(pick('StartInterval'), intervalMs),
    retries: retries && retries > 0 ? retries : DEFAULTS.retries,
  };
}

/** Docker's create-time checks of Config.Healthcheck (daemon/container.go): durations of at least 1 ms, retries >= 0. */
export function validateHealthcheck(config: Record<string, unknown>): void {
  const hc = config.Healthcheck as HealthcheckConfig | null | undefined;
  if (!hc) return;
  for (const key of DURATIONS) {
    const ns = hc[key] ?? 0;
    if (ns !== 0 && ns < 1e6) {
      throw new EngineError('invalid', 'ENGINE_BAD_HEALTHCHECK', `${key} in Healthcheck cannot be less than 1ms`);
    }
  }
  if ((hc.Retries ?? 0) < 0) {
    throw new EngineError('invalid', 'ENGINE_BAD_HEALTHCHECK', 'Retries in Healthcheck cannot be negative');
  }
}

/** The health a container has when it starts: `starting`, the streak reset, the log of earlier runs kept. */
export function startingHealth(previous: HealthState | undefined): HealthState {
  return { Status: 'starting', FailingStreak: 0, Log: previous?.Log ?? [] };
}

/**
 * Docker's handleProbeResult: the result joins the log; a success makes the container healthy; a failure adds to
 * the streak (unless it is starting and the probe began inside the start period) and `retries` of them make it
 * unhealthy. `startedAtMs` is when the container's process started.
 */
export function applyProbeResult(
  health: HealthState,
  result: HealthLogEntry,
  opts: { retries: number; startPeriodMs: number; startedAtMs: number },
): HealthState {
  const Log = [...health.Log, result].slice(-HEALTH_LOG_ENTRIES);
  if (result.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  const inStartPeriod = Date.parse(result.Start) - opts.startedAtMs < opts.startPeriodMs;
  if (health.Status === 'starting' && inStartPeriod) return { ...health, Log };
  const FailingStreak = health.FailingStreak + 1;
  return { Status: FailingStreak >= opts.retries ? 'unhealthy' : health.Status, FailingStreak, Log };
}

/** How long until the next probe: the start interval while starting inside the start period, else the interval. */
export function nextProbeDelay(
  probe: HealthProbe,
  status: HealthState['Status'] | undefined,
  sinceStartMs: number,
): number {
  if (sinceStartMs >= probe.startPeriodMs) return probe.intervalMs;
  return status === 'starting' ? probe.startIntervalMs : probe.intervalMs;
}

/** The value the `health` filter of GET /containers/json matches: starting, healthy, unhealthy or none. */
export function healthFilterValue(health: HealthState | undefined): string {
  return health?.Status ?? 'none';
}

/** docker ps's " (healthy)", " (unhealthy)" or " (health: starting)" after "Up 5 seconds"; "" without a healthcheck. */
export function healthSuffix(health: HealthState | undefined): string {
  if (!health) return '';
  return health.Status === 'starting' ? ' (health: starting)' : ` (${health.Status})`;
}

/** A duration as Go prints it in Docker's timeout message: 300ms, 2s, 1.5s, 1m30s. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${ms / 1000}s`;
  const m = Math.floor(ms / 60_000);
  const rest = ms - m * 60_000;
  return rest === 0 ? `${m}m0s` : `${m}m${rest / 1000}s`;
}
