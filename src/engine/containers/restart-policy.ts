// Docker's restart policies as pure decisions (moby restartmanager/restartmanager.go and the create-time checks
// of daemon/container.go). The timers and the state changes that act on them are restart-manager.ts.
import { EngineError } from '../errors.js';

/** HostConfig.RestartPolicy with its name resolved ('' is 'no'); `maximumRetryCount` 0 is "no limit". */
export interface RestartPolicy {
  name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  maximumRetryCount: number;
}

/** What the decision after an exit needs to know; `previousDelayMs` is 0 before the first restart of a run. */
export interface ExitFacts {
  exitCode: number;
  /** Stopped or killed by a user (Docker's HasBeenManuallyStopped). */
  manuallyStopped: boolean;
  /** A user's stop or kill cancelled the restart manager (Docker's ExitOnNext). */
  canceled: boolean;
  /** How long the process ran. */
  ranMs: number;
  restartCount: number;
  previousDelayMs: number;
}

/** Whether to restart and, for the next decision, the backoff: 100 ms doubling to 1 min, reset after a 10 s run. */
export interface RestartDecision {
  restart: boolean;
  delayMs: number;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const RESET_AFTER_MS = 10_000;
const NAMES = ['no', 'always', 'unless-stopped', 'on-failure'] as const;

export function restartPolicyOf(hostConfig: Record<string, unknown>): RestartPolicy {
  const raw = hostConfig.RestartPolicy as { Name?: string; MaximumRetryCount?: number } | null | undefined;
  const name = NAMES.find((n) => n === raw?.Name) ?? 'no';
  return { name, maximumRetryCount: raw?.MaximumRetryCount ?? 0 };
}

/** Docker's create-time checks, with its messages. */
export function validateRestartPolicy(hostConfig: Record<string, unknown>): void {
  const raw = hostConfig.RestartPolicy as { Name?: string; MaximumRetryCount?: number } | null | undefined;
  const name = raw?.Name ?? '';
  const max = raw?.MaximumRetryCount ?? 0;
  const invalid = (message: string): EngineError => new EngineError('invalid', 'ENGINE_BAD_RESTART_POLICY', message);
  if (name === 'on-failure' && max < 0) throw invalid('invalid restart policy: maximum retry count cannot be negative');
  if (name === 'always' || name === 'unless-stopped' || name === 'no') {
    if (max !== 0) {
      const negative = max < 0 ? ' and cannot be negative' : '';
      throw invalid(`invalid restart policy: maximum retry count can only be used with 'on-failure'${negative}`);
    }
  } else if (name !== '' && name !== 'on-failure') {
    throw invalid(
      `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
    );
  }
  if (hostConfig.AutoRemove === true && name !== '' && name !== 'no') {
    throw invalid("can't create 'AutoRemove' container with restart policy");
  }
}

/** Docker's ShouldRestart: the backoff moves on every exit, restart or not. */
export function decideRestart(policy: RestartPolicy, facts: ExitFacts): RestartDecision {
  const base = facts.ranMs >= RESET_AFTER_MS ? 0 : facts.previousDelayMs;
  const delayMs = base === 0 ? FIRST_DELAY_MS : Math.min(base * 2, MAX_DELAY_MS);
  if (facts.canceled) return { restart: false, delayMs };
  const restart =
    policy.name === 'always' ||
    (policy.name === 'unless-stopped' && !facts.manuallyStopped) ||
    (policy.name === 'on-failure' &&
      (policy.maximumRetryCount === 0 || facts.restartCount < policy.maximumRetryCount) &&
      facts.exitCode !== 0);
  return { restart, delayMs };
}

/**
 * Whether a user's kill with `signal` cancels the restart manager (Docker's killWithSignal): SIGKILL always, any
 * signal when the container has no StopSignal, else only its StopSignal. Signals are given as names (SIGTERM).
 */
export function cancelsRestart(signal: string, stopSignal: string | undefined): boolean {
  return signal === 'SIGKILL' || stopSignal === undefined || signal === stopSignal;
}
