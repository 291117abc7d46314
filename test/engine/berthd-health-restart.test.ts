// Healthchecks and restart policies in berthd, driven by the real docker CLI: probes run as execs on a timer and
// set State.Health; restart policies bring exited containers back with Docker's backoff and stop at a user's stop.
// Each daemon has its own data root and socket, names carry the pid, and everything made is removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import type { DockerResult } from './docker-cli.js';
import { runDocker } from './docker-cli.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { makeBusyboxImage, makeSaveTar } from './fixtures/busybox-image.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Inspected {
  RestartCount: number;
  State: {
    Status: string;
    Running: boolean;
    Restarting: boolean;
    ExitCode: number;
    Health?: {
      Status: string;
      FailingStreak: number;
      Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
    };
  };
}

/** A berthd on its own root and socket, and the docker CLI pointed at it. */
function berthdWithCli(prefix: string) {
  // The folder is made at start, not here: describe bodies run even when every test is filtered out.
  let socket = '';
  const ctx = {
    dir: '',
    root: '',
    daemon: undefined as Berthd | undefined,
    start: async (): Promise<void> => {
      if (!ctx.dir) {
        ctx.dir = mkdtempSync(join(tmpdir(), prefix));
        ctx.root = join(ctx.dir, 'root');
        socket = join(ctx.dir, 'run', 'berth.sock');
      }
      ctx.daemon = await startBerthd({ root: ctx.root, socket });
    },
    docker: (...args: string[]): Promise<DockerResult> => runDocker(socket, args),
    inspect: async (name: string): Promise<Inspected> =>
      (JSON.parse((await ctx.docker('inspect', name)).stdout) as Inspected[])[0] as Inspected,
    /** Polls inspect until `ok` holds (bounded); returns the last state seen. */
    waitFor: async (name: string, ok: (c: Inspected) => boolean, timeoutMs = 10_000): Promise<Inspected> => {
      const deadline = Date.now() + timeoutMs;
      let last = await ctx.inspect(name);
      while (!ok(last) && Date.now() < deadline) {
        await sleep(100);
        last = await ctx.inspect(name);
      }
      return last;
    },
    /** Actions of the container's past events (since `since`, seconds), optionally filtered by event. */
    actions: async (name: string, since: string, ...events: string[]): Promise<string[]> => {
      const until = String(Math.floor(Date.now() / 1000) + 1);
      const filters = events.flatMap((e) => ['--filter', `event=${e}`]);
      const r = await ctx.docker('events', '--since', since, '--until', until, '--filter', `container=${name}`, ...filters, '--format', '{{.Action}}'); // prettier-ignore
      return r.stdout.split('\n').filter(Boolean);
    },
    cleanup: async (): Promise<void> => {
      if (ctx.daemon) {
        const ids = (await ctx.docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await ctx.docker('rm', '-f', ...ids);
        await ctx.daemon.close();
      }
      if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
    },
  };
  return ctx;
}

const nowSec = (): string => String(Math.floor(Date.now() / 1000) - 1);

describe.runIf(hasRunc)('berthd healthchecks and restart policies', () => {
  const tag = `berth-hr-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const checked = `${tag}/checked:1`; // an image with a HEALTHCHECK
  // A HEALTHCHECK --start-period 3s --start-interval 100ms: the docker CLI sends StartInterval only to API 1.44+.
  const graceful = `${tag}/graceful:1`;
  const b = berthdWithCli('berthd-health-');

  beforeAll(async () => {
    await b.start();
    const plain = await makeBusyboxImage({ tags: [image] });
    const withCheck = await makeBusyboxImage({
      tags: [checked],
      healthcheck: { Test: ['CMD-SHELL', 'echo fine'], Interval: 100e6, Retries: 1 },
    });
    const withGrace = await makeBusyboxImage({
      tags: [graceful],
      healthcheck: { Test: ['CMD', 'false'], Interval: 200e6, StartPeriod: 3e9, StartInterval: 100e6, Retries: 1 },
    });
    for (const [i, img] of [plain, withCheck, withGrace].entries()) {
      writeFileSync(join(b.dir, `image${i}.tar`), await makeSaveTar([img]));
      expect((await b.docker('load', '-i', join(b.dir, `image${i}.tar`))).code).toBe(0);
    }
  });

  afterAll(() => b.cleanup());

  it('a failing probe makes the container unhealthy after the retries, a passing one healthy, with events', async () => {
    const name = `${tag}-probe`;
    const since = nowSec();
    const ran = await b.docker('run', '-d', '--name', name, '--health-cmd', 'test -f /tmp/ok', '--health-interval', '200ms', '--health-retries', '2', image, 'sleep', '60'); // prettier-ignore
    expect(ran.code).toBe(0);
    expect((await b.inspect(name)).State.Health?.Status).toBe('starting');

    const unhealthy = await b.waitFor(name, (c) => c.State.Health?.Status === 'unhealthy');
    expect(unhealthy.State.Health).toMatchObject({ Status: 'unhealthy' });
    expect(unhealthy.State.Health?.FailingStreak).toBeGreaterThanOrEqual(2);
    expect(unhealthy.State.Health?.Log[0]?.ExitCode).toBe(1);
    const ps = await b.docker(
      'ps',
      '--filter',
      `name=${name}`,
      '--filter',
      'health=unhealthy',
      '--format',
      '{{.Status}}',
    );
    expect(ps.stdout).toMatch(/^Up .* \(unhealthy\)\n$/);

    expect((await b.docker('exec', name, 'touch', '/tmp/ok')).code).toBe(0);
    const healthy = await b.waitFor(name, (c) => c.State.Health?.Status === 'healthy');
    expect(healthy.State.Health).toMatchObject({ Status: 'healthy', FailingStreak: 0 });
    expect(healthy.State.Health?.Log.length).toBeLessThanOrEqual(5);
    expect(healthy.State.Health?.Log.at(-1)?.ExitCode).toBe(0);
    const listed = await b.docker('ps', '--filter', 'health=healthy', '--format', '{{.Names}} {{.Status}}');
    expect(listed.stdout).toMatch(new RegExp(`^${name} Up .* \\(healthy\\)$`, 'm'));
    expect((await b.docker('ps', '-q', '--filter', `name=${name}`, '--filter', 'health=unhealthy')).stdout).toBe('');

    expect(await b.actions(name, since, 'health_status')).toEqual([
      'health_status: unhealthy',
      'health_status: healthy',
    ]);
    const execs = await b.actions(name, since, 'exec_create', 'exec_start', 'exec_die');
    expect(execs).toContain('exec_create: /bin/sh -c test -f /tmp/ok');
    expect(execs).toContain('exec_start: /bin/sh -c test -f /tmp/ok');
    expect(execs).toContain('exec_die');

    // Probing stops with the container: the log does not grow any more.
    await b.docker('stop', '-t', '1', name);
    const stopped = (await b.inspect(name)).State.Health?.Log.map((l) => l.Start);
    await sleep(600);
    expect((await b.inspect(name)).State.Health?.Log.map((l) => l.Start)).toEqual(stopped);
  });

  it('failures inside the start period do not count while the container is starting', async () => {
    const name = `${tag}-grace`;
    const ran = await b.docker('run', '-d', '--name', name, graceful, 'sleep', '60');
    expect(ran.stderr).toBe('');
    await sleep(1200);
    const early = await b.inspect(name);
    expect(early.State.Health).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    expect(early.State.Health?.Log.length).toBeGreaterThanOrEqual(3); // probed every 100 ms, every one failed
    expect((await b.docker('ps', '--filter', `name=${name}`, '--format', '{{.Status}}')).stdout).toContain(
      '(health: starting)',
    );
    const late = await b.waitFor(name, (c) => c.State.Health?.Status === 'unhealthy', 6000);
    expect(late.State.Health).toMatchObject({ Status: 'unhealthy', FailingStreak: 1 });
  });

  it('a probe that outlives its timeout is killed and counts as a failure', async () => {
    const name = `${tag}-slow`;
    await b.docker('run', '-d', '--name', name, '--health-cmd', 'sleep 30', '--health-interval', '100ms', '--health-timeout', '300ms', '--health-retries', '1', image, 'sleep', '60'); // prettier-ignore
    const c = await b.waitFor(name, (x) => (x.State.Health?.Log.length ?? 0) >= 3);
    expect(c.State.Health?.Status).toBe('unhealthy');
    expect(c.State.Health?.Log[0]).toMatchObject({ ExitCode: -1, Output: 'Health check exceeded timeout (300ms)' });
    // Timed-out probes are killed, not left to pile up: at most the one under way is there.
    const ps = await b.docker('exec', name, 'ps', '-o', 'args');
    expect(ps.stdout.split('\n').filter((l) => l === 'sleep 30').length).toBeLessThanOrEqual(1);
  });

  it("an image's healthcheck applies unless --no-healthcheck turns it off (Test NONE)", async () => {
    const inherits = `${tag}-inherits`;
    const none = `${tag}-none`;
    await b.docker('run', '-d', '--name', inherits, checked, 'sleep', '60');
    await b.docker('run', '-d', '--name', none, '--no-healthcheck', checked, 'sleep', '60');
    const c = await b.waitFor(inherits, (x) => x.State.Health?.Status === 'healthy');
    expect(c.State.Health?.Log[0]).toMatchObject({ ExitCode: 0, Output: 'fine\n' });
    await sleep(300);
    expect((await b.inspect(none)).State.Health).toBeUndefined();
    const ps = await b.docker('ps', '--filter', `name=${none}`, '--filter', 'health=none', '--format', '{{.Status}}');
    expect(ps.stdout).toMatch(/^Up [^(]*\n$/);
  });

  it('on-failure:2 restarts a failing container twice, then leaves it exited', async () => {
    const name = `${tag}-onfailure`;
    const since = nowSec();
    await b.docker('run', '-d', '--name', name, '--restart', 'on-failure:2', image, 'sh', '-c', 'exit 3');
    const c = await b.waitFor(name, (x) => x.State.Status === 'exited');
    expect(c.State).toMatchObject({ Status: 'exited', ExitCode: 3, Running: false, Restarting: false });
    expect(c.RestartCount).toBe(2);
    await sleep(500); // no third restart
    expect((await b.inspect(name)).RestartCount).toBe(2);
    expect(await b.actions(name, since, 'start', 'die')).toEqual(['start', 'die', 'start', 'die', 'start', 'die']);
  });

  it('always restarts a container whose process exits, and docker stop stops it for good', async () => {
    const name = `${tag}-always`;
    const since = nowSec();
    await b.docker('run', '-d', '--name', name, '--restart', 'always', image, 'sh', '-c', 'sleep 0.3');
    const running = await b.waitFor(name, (x) => x.RestartCount >= 2);
    expect(running.RestartCount).toBeGreaterThanOrEqual(2);
    expect((await b.actions(name, since, 'start', 'die')).slice(0, 3)).toEqual(['start', 'die', 'start']);
    expect((await b.docker('stop', '-t', '1', name)).code).toBe(0);
    const stopped = await b.inspect(name);
    expect(stopped.State).toMatchObject({ Status: 'exited', Running: false, Restarting: false });
    await sleep(1500);
    const later = await b.inspect(name);
    expect(later.State.Status).toBe('exited');
    expect(later.RestartCount).toBe(stopped.RestartCount);
  });

  it('docker stop of a container waiting to restart cancels the restart', async () => {
    const name = `${tag}-stop-backoff`;
    await b.docker('run', '-d', '--name', name, '--restart', 'on-failure', image, 'sh', '-c', 'exit 1');
    // By the 4th restart the backoff is 0.8 s: the container is caught waiting.
    const waiting = await b.waitFor(name, (x) => x.State.Restarting && x.RestartCount >= 4, 15_000);
    expect(waiting.State).toMatchObject({ Status: 'restarting', Running: true, Restarting: true });
    expect((await b.docker('ps', '--filter', `name=${name}`, '--format', '{{.Status}}')).stdout).toMatch(
      /^Restarting \(1\)/,
    );
    expect((await b.docker('stop', name)).code).toBe(0);
    const stopped = await b.inspect(name);
    expect(stopped.State).toMatchObject({ Status: 'exited', ExitCode: 1, Running: false, Restarting: false });
    await sleep(2500);
    expect(await b.inspect(name)).toMatchObject({ RestartCount: stopped.RestartCount, State: { Status: 'exited' } });
  });

  it('docker rm -f of a container waiting to restart removes it, and it does not come back', async () => {
    const name = `${tag}-rm-backoff`;
    await b.docker('run', '-d', '--name', name, '--restart', 'always', image, 'sh', '-c', 'exit 1');
    const waiting = await b.waitFor(name, (x) => x.State.Restarting && x.RestartCount >= 4, 15_000);
    expect(waiting.State.Restarting).toBe(true);
    expect((await b.docker('rm', '-f', name)).code).toBe(0);
    await sleep(2500);
    expect((await b.docker('ps', '-aq', '--filter', `name=${name}`)).stdout).toBe('');
    expect(readFileSync(join(b.root, 'berthd.log'), 'utf8')).not.toMatch(/restart [0-9a-f]{64}/);
  });
});

describe.runIf(hasRunc)('berthd start-up and restart policies', () => {
  const tag = `berth-boot-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const b = berthdWithCli('berthd-boot-');

  beforeAll(async () => {
    await b.start();
    writeFileSync(join(b.dir, 'images.tar'), await makeSaveTar([await makeBusyboxImage({ tags: [image] })]));
    expect((await b.docker('load', '-i', join(b.dir, 'images.tar'))).code).toBe(0);
  });

  afterAll(() => b.cleanup());

  it('unless-stopped containers start again with berthd unless a user stopped them; health probing resumes', async () => {
    const crashed = `${tag}-crashed`;
    const stopped = `${tag}-stopped`;
    const checked = `${tag}-checked`;
    for (const name of [crashed, stopped]) {
      await b.docker('run', '-d', '--name', name, '--restart', 'unless-stopped', image, 'sleep', '60');
    }
    await b.docker('run', '-d', '--name', checked, '--health-cmd', 'true', '--health-interval', '200ms', image, 'sleep', '60'); // prettier-ignore
    await b.waitFor(checked, (x) => x.State.Health?.Status === 'healthy');
    expect((await b.docker('stop', '-t', '1', stopped)).code).toBe(0);
    const crashedId = (await b.docker('inspect', '-f', '{{.Id}}', crashed)).stdout.trim();

    await b.daemon?.close();
    // While berthd is down, the process of one container dies (dockerd stops them all on its way down).
    spawnSync('runc', ['--root', join(b.root, 'runc'), 'kill', crashedId, 'KILL']);
    await sleep(1000);
    const before = new Date().toISOString();
    await b.start();

    const back = await b.waitFor(crashed, (x) => x.State.Status === 'running');
    expect(back.State).toMatchObject({ Status: 'running', Running: true });
    await sleep(500);
    expect((await b.inspect(stopped)).State).toMatchObject({ Status: 'exited', Running: false });
    const health = await b.waitFor(checked, (x) => (x.State.Health?.Log ?? []).some((l) => l.Start > before));
    expect(health.State.Health?.Status).toBe('healthy');
    expect(health.State.Health?.Log.some((l) => l.Start > before)).toBe(true);
  });
});
