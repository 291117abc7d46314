// Docker's restart decisions on inline data: which exits restart, the retry limit, the backoff and its reset.
import { describe, expect, it } from 'vitest';
import type { ExitFacts } from '../../../src/engine/containers/restart-policy.js';
import {
  cancelsRestart,
  decideRestart,
  restartPolicyOf,
  validateRestartPolicy,
} from '../../../src/engine/containers/restart-policy.js';

const exit = (facts: Partial<ExitFacts> = {}): ExitFacts => ({
  exitCode: 1,
  manuallyStopped: false,
  canceled: false,
  ranMs: 50,
  restartCount: 0,
  previousDelayMs: 0,
  ...facts,
});
const policy = (Name: string, MaximumRetryCount = 0) => restartPolicyOf({ RestartPolicy: { Name, MaximumRetryCount } });

describe('decideRestart', () => {
  it('on-failure must restart only non-zero exits, up to MaximumRetryCount', () => {
    expect(decideRestart(policy('on-failure', 2), exit({ restartCount: 1 })).restart).toBe(true);
    expect(decideRestart(policy('on-failure', 2), exit({ restartCount: 2 })).restart).toBe(false);
    expect(decideRestart(policy('on-failure'), exit({ exitCode: 0 })).restart).toBe(false);
  });

  it('unless-stopped must not restart a manually stopped container; a cancelled one must never restart', () => {
    expect(decideRestart(policy('unless-stopped'), exit({ manuallyStopped: true })).restart).toBe(false);
    expect(decideRestart(policy('always'), exit({ manuallyStopped: true })).restart).toBe(true);
    expect(decideRestart(policy('always'), exit({ canceled: true })).restart).toBe(false);
    expect(decideRestart(policy(''), exit()).restart).toBe(false);
  });

  it('must back off from 100 ms, doubling to 1 min, and start over after a 10 s run', () => {
    expect(decideRestart(policy('always'), exit()).delayMs).toBe(100);
    expect(decideRestart(policy('always'), exit({ previousDelayMs: 800 })).delayMs).toBe(1600);
    expect(decideRestart(policy('always'), exit({ previousDelayMs: 51_200 })).delayMs).toBe(60_000);
    expect(decideRestart(policy('always'), exit({ previousDelayMs: 60_000 })).delayMs).toBe(60_000);
    expect(decideRestart(policy('always'), exit({ previousDelayMs: 800, ranMs: 10_000 })).delayMs).toBe(100);
  });
});

it("validateRestartPolicy must refuse what dockerd refuses, with dockerd's messages", () => {
  const check = (hostConfig: Record<string, unknown>) => () => validateRestartPolicy(hostConfig);
  expect(check({ RestartPolicy: { Name: 'sometimes' } })).toThrow(/unknown policy 'sometimes'/);
  expect(check({ RestartPolicy: { Name: 'always', MaximumRetryCount: 3 } })).toThrow(/only be used with 'on-failure'/);
  expect(check({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: -1 } })).toThrow(/cannot be negative/);
  expect(check({ AutoRemove: true, RestartPolicy: { Name: 'always' } })).toThrow(/AutoRemove/);
  expect(check({ RestartPolicy: { Name: '', MaximumRetryCount: 0 } })).not.toThrow();
  expect([
    cancelsRestart('SIGHUP', undefined),
    cancelsRestart('SIGHUP', 'SIGINT'),
    cancelsRestart('SIGKILL', 'SIGINT'),
  ]).toEqual([true, false, true]);
});
