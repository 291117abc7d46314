// Docker's healthcheck rules on inline data: merging with the image's, defaults, start period, retries, log size.
import { describe, expect, it } from 'vitest';
import type { HealthState } from '../../../src/engine/containers/health-config.js';
import {
  applyProbeResult,
  goDuration,
  nextProbeDelay,
  resolveHealthcheck,
  validateHealthcheck,
} from '../../../src/engine/containers/health-config.js';

const at = (ms: number): { Start: string; End: string } => ({
  Start: new Date(ms).toISOString(),
  End: new Date(ms + 5).toISOString(),
});
const starting: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };

describe('resolveHealthcheck', () => {
  it('must run CMD-SHELL through /bin/sh -c and fill in Docker defaults', () => {
    expect(resolveHealthcheck({ Healthcheck: { Test: ['CMD-SHELL', 'test -f /ok'] } }, {})).toEqual({
      argv: ['/bin/sh', '-c', 'test -f /ok'],
      intervalMs: 30_000,
      timeoutMs: 30_000,
      startPeriodMs: 0,
      startIntervalMs: 30_000,
      retries: 3,
    });
  });

  it('must probe every Interval inside the start period when no StartInterval is given (dockerd 20.10, API 1.41)', () => {
    const probe = resolveHealthcheck({ Healthcheck: { Test: ['CMD', 'true'], Interval: 5e8, StartPeriod: 5e9 } }, {});
    if (!probe) throw new Error('no probe');
    // the first probe comes one Interval after the start, not after the start period or Docker 25's 5 s
    expect(nextProbeDelay(probe, 'starting', 0)).toBe(500);
    expect(nextProbeDelay(probe, 'starting', 1000)).toBe(500);
    const own = resolveHealthcheck(
      { Healthcheck: { Test: ['CMD', 'true'], Interval: 5e9, StartInterval: 1e8, StartPeriod: 5e9 } },
      {},
    );
    expect(own && nextProbeDelay(own, 'starting', 0)).toBe(100);
  });

  it("must take unset fields from the image's healthcheck, and NONE must turn it off", () => {
    const image = { Healthcheck: { Test: ['CMD', 'true'], Interval: 1e9, Retries: 5 } };
    expect(resolveHealthcheck({ Healthcheck: { Interval: 2e9 } }, image)).toMatchObject({
      argv: ['true'],
      intervalMs: 2000,
      retries: 5,
    });
    expect(resolveHealthcheck({ Healthcheck: { Test: ['NONE'] } }, image)).toBeUndefined();
    expect(resolveHealthcheck({}, {})).toBeUndefined();
  });

  it('must refuse negative retries and durations under 1 ms', () => {
    expect(() => validateHealthcheck({ Healthcheck: { Retries: -1 } })).toThrow(/cannot be negative/);
    expect(() => validateHealthcheck({ Healthcheck: { Interval: 10 } })).toThrow(/Interval in Healthcheck/);
  });
});

describe('applyProbeResult', () => {
  const opts = { retries: 2, startPeriodMs: 1000, startedAtMs: 0 };

  it('must not count failures inside the start period while starting, and a success must make it healthy', () => {
    const early = applyProbeResult(starting, { ...at(500), ExitCode: 1, Output: '' }, opts);
    expect(early).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    expect(applyProbeResult(early, { ...at(600), ExitCode: 0, Output: '' }, opts).Status).toBe('healthy');
  });

  it('must turn unhealthy after `retries` failures in a row and keep only the last 5 results', () => {
    let h = starting;
    for (let i = 0; i < 7; i++) h = applyProbeResult(h, { ...at(2000 + i), ExitCode: 1, Output: `${i}` }, opts);
    expect(h).toMatchObject({ Status: 'unhealthy', FailingStreak: 7 });
    expect(h.Log.map((l) => l.Output)).toEqual(['2', '3', '4', '5', '6']);
  });
});

it('nextProbeDelay must use the start interval only while starting inside the start period', () => {
  const probe = { argv: ['true'], intervalMs: 1000, timeoutMs: 1, startPeriodMs: 500, startIntervalMs: 50, retries: 1 };
  expect(nextProbeDelay(probe, 'starting', 100)).toBe(50);
  expect(nextProbeDelay(probe, 'healthy', 100)).toBe(1000);
  expect(nextProbeDelay(probe, 'starting', 600)).toBe(1000);
  expect([goDuration(300), goDuration(1500), goDuration(90_000)]).toEqual(['300ms', '1.5s', '1m30s']);
});
