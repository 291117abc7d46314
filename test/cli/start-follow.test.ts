// `berth start` follows depends_on and waits for its conditions, as Compose v2's start does; `berth logs -f SERVICE`
// follows SERVICE (-f after the command is its --follow, not the global --file).
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEngine } from './stack-engine.js';
import { serviceContainers, startStackEngine } from './stack-engine.js';
import { runCli } from './run-cli.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

// a becomes healthy 2 s after each start (its marker is removed first: the container's files outlive a stop);
// b must not start before that.
const STACK = `
services:
  a:
    image: \${IMAGE}
    command: ['sh', '-c', 'rm -f /ready; sleep 2; touch /ready; exec sleep 3600']
    stop_grace_period: 0s
    healthcheck: { test: ['CMD-SHELL', '[ -f /ready ]'], interval: 200ms, retries: 100 }
  b:
    image: \${IMAGE}
    command: ['sh', '-c', 'while true; do echo tick; sleep 0.2; done']
    stop_grace_period: 0s
    depends_on: { a: { condition: service_healthy } }
`;

interface Inspect {
  State: {
    Status: string;
    StartedAt: string;
    Health?: { Status: string; Log: Array<{ End: string; ExitCode: number }> };
  };
}

describe.runIf(hasRunc)('berth start and logs -f on berthd', () => {
  let e: StackEngine;
  const inspect = async (service: string): Promise<Inspect> => {
    const [c] = await serviceContainers(e, service);
    return e.client.call<Inspect>('GET', `/containers/${c!.Id}/json`);
  };

  beforeAll(async () => {
    e = await startStackEngine('start', STACK);
    const up = await e.berth('--progress', 'plain', 'up', '-d');
    expect(up.code, up.stderr).toBe(0);
    // up shows the wait for a dependency as Compose does
    expect(up.stderr).toContain(` Container ${e.project}-a-1  Waiting\n Container ${e.project}-a-1  Healthy\n`);
  }, 60_000);

  afterAll(async () => e?.close(), 60_000);

  it('start starts b only once a is healthy, and prints Waiting and Healthy for a', async () => {
    expect((await e.berth('stop', '-t', '0')).code).toBe(0);
    expect((await inspect('a')).State.Status).toBe('exited');
    const r = await e.berth('--progress', 'plain', 'start');
    expect(r.code).toBe(0);
    const a = await inspect('a');
    const b = await inspect('b');
    expect(b.State.Status).toBe('running');
    expect(a.State.Health?.Status).toBe('healthy');
    // the first passing probe of this start of a, and b's start after it
    const aStarted = Date.parse(a.State.StartedAt);
    const healthyAt = a.State.Health!.Log.filter((l) => l.ExitCode === 0 && Date.parse(l.End) > aStarted)
      .map((l) => Date.parse(l.End))
      .sort()[0];
    expect(healthyAt).toBeDefined();
    expect(Date.parse(b.State.StartedAt)).toBeGreaterThanOrEqual(healthyAt! - 50);
    expect(Date.parse(b.State.StartedAt) - aStarted).toBeGreaterThan(1500);
    const lines = r.stderr.split('\n');
    const at = (text: string): number => lines.indexOf(text);
    expect(at(` Container ${e.project}-a-1  Started`)).toBeGreaterThanOrEqual(0);
    expect(at(` Container ${e.project}-a-1  Waiting`)).toBeGreaterThan(at(` Container ${e.project}-a-1  Started`));
    expect(at(` Container ${e.project}-a-1  Healthy`)).toBeGreaterThan(at(` Container ${e.project}-a-1  Waiting`));
    expect(at(` Container ${e.project}-b-1  Starting`)).toBeGreaterThan(at(` Container ${e.project}-a-1  Healthy`));
  }, 60_000);

  it('start of a service with nothing created says so', async () => {
    expect((await e.berth('rm', '-s', '-f', 'b')).code).toBe(0);
    const r = await e.berth('start', 'b');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('service "b" has no container to start');
    expect(r.stderr).toContain('[CLI_NO_CONTAINER_TO_START]');
    expect((await e.berth('up', '-d')).code).toBe(0);
  }, 60_000);

  it('run waits for the healthy dependency with the same code, then runs the one-off command', async () => {
    expect((await e.berth('stop', '-t', '0', 'a')).code).toBe(0);
    const r = await e.berth('run', '--rm', 'b', 'echo', 'ran');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('ran\n');
    expect((await inspect('a')).State.Health?.Status).toBe('healthy');
  }, 60_000);

  it('logs -f b follows b until interrupted', async () => {
    const interrupt = new AbortController();
    const follow = runCli(['-p', e.project, 'logs', '-f', '--no-log-prefix', '-n', '0', 'b'], {
      cwd: e.dir,
      env: e.env,
      signal: interrupt.signal,
    });
    // -n 0: only lines written after logs started, so ticks prove it follows
    await new Promise((r) => setTimeout(r, 1500));
    interrupt.abort();
    const r = await follow;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l === 'tick').length).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
