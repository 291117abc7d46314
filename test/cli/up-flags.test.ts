// `berth up`'s flags beyond the plan, end to end on a real in-process berthd: --wait (healthy, unhealthy, exited),
// --exit-code-from and --abort-on-container-exit, depends_on restart: true, warnings for keys berth leaves out,
// and --progress json/plain. Each case has its own project (and folder); everything is removed in afterAll.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { RawEngineApi } from '../client/raw-engine-api.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);
const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

interface Inspect {
  Id: string;
  State: { Status: string; ExitCode: number; StartedAt: string };
}

describe.runIf(hasRunc)('berth up flags on berthd', () => {
  let daemon: Berthd;
  let dir: string;
  let client: RawEngineApi;
  let env: Record<string, string>;
  const image = `berth-flags-${process.pid}/busybox:1`;
  const projects: string[] = [];

  /** A project of its own: writes its compose.yaml and returns a berth runner for it. */
  const project = (name: string, yaml: string) => {
    const p = `berth-flags-${name}-${process.pid}`;
    projects.push(p);
    const where = join(dir, p);
    mkdirSync(where, { recursive: true });
    writeFileSync(join(where, 'compose.yaml'), yaml);
    return {
      name: p,
      berth: (...args: string[]) => runCli(['-p', p, ...args], { cwd: where, env }),
      write: (text: string) => writeFileSync(join(where, 'compose.yaml'), text),
    };
  };
  const inspect = (name: string): Promise<Inspect> => client.call<Inspect>('GET', `/containers/${name}/json`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-flags-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    client = new RawEngineApi(daemon.socket);
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    // Asynchronous: berthd runs in this process, so a synchronous child would block it.
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` },
    });
    env = { BERTH_SOCKET: daemon.socket, BERTH_ROOT: daemon.root, IMAGE: image };
  }, 60_000);

  afterAll(async () => {
    if (daemon) {
      for (const p of projects) {
        await runCli(['-p', p, 'down', '-v', '--remove-orphans', '-t', '0'], { cwd: join(dir, p), env });
      }
      client.close();
      await daemon.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('up --wait returns once every service runs and the healthy ones are healthy', async () => {
    const p = project(
      'wait-ok',
      `
services:
  db:
    image: \${IMAGE}
    command: ['sh', '-c', 'sleep 1; touch /ready; sleep 3600']
    stop_grace_period: 0s
    healthcheck: { test: ['CMD-SHELL', '[ -f /ready ]'], interval: 200ms, retries: 30 }
  app:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
`,
    );
    const r = await p.berth('up', '--wait', '--wait-timeout', '30');
    expect(r.stderr).toContain(`Container ${p.name}-db-1  Healthy`);
    expect(r.stderr).toContain(`Container ${p.name}-app-1  Running`);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Attaching');
    const db = await inspect(`${p.name}-db-1`);
    expect(db.State.Status).toBe('running');
  }, 60_000);

  it('up --wait fails naming the service when its healthcheck fails, when it exits, or at --wait-timeout', async () => {
    const p = project(
      'wait-bad',
      `
services:
  sick:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
    healthcheck: { test: ['CMD-SHELL', 'exit 1'], interval: 200ms, retries: 1 }
`,
    );
    const r = await p.berth('up', '--wait', '--wait-timeout', '30');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`service "sick": container ${p.name}-sick-1 is unhealthy`);
    expect(r.stderr).toContain('CLI_WAIT_UNHEALTHY');

    const q = project(
      'wait-exit',
      `
services:
  oneshot:
    image: \${IMAGE}
    command: ['sh', '-c', 'exit 4']
`,
    );
    const e = await q.berth('up', '--wait');
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`service "oneshot": container ${q.name}-oneshot-1 exited (4)`);

    const slow = project(
      'wait-slow',
      `
services:
  slow:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
    healthcheck: { test: ['CMD-SHELL', 'true'], interval: 30s, start_period: 30s }
`,
    );
    const late = await slow.berth('up', '--wait', '--wait-timeout', '1');
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('services not running or healthy after 1s: slow');

    const t = await p.berth('up', '--wait', '--wait-timeout', 'soon');
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('CLI_BAD_DURATION');
  }, 60_000);

  it("up --exit-code-from stops every container when one exits and exits with that service's code", async () => {
    const p = project(
      'exit-from',
      `
services:
  test:
    image: \${IMAGE}
    command: ['sh', '-c', 'sleep 1; echo tests done; exit 3']
  server:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 1s
`,
    );
    const r = await p.berth('up', '--exit-code-from', 'test', '-t', '1');
    expect(r.stdout).toMatch(/-test-1 +\| tests done/);
    expect(r.stdout).toContain(`${p.name}-test-1 exited with code 3`);
    expect(r.stderr).toContain('Aborting on container exit...');
    expect(r.stderr).toContain(`Container ${p.name}-server-1  Stopped`);
    expect(r.code).toBe(3);
    expect((await inspect(`${p.name}-server-1`)).State.Status).toBe('exited');

    expect((await p.berth('up', '-d', '--exit-code-from', 'test')).stderr).toContain('CLI_FLAG_CONFLICT');
    expect((await p.berth('up', '--exit-code-from', 'nope')).stderr).toContain('no such service: nope');
  }, 60_000);

  it('up --abort-on-container-exit stops the rest when the first container exits, with its exit code', async () => {
    const p = project(
      'abort',
      `
services:
  quick:
    image: \${IMAGE}
    command: ['sh', '-c', 'sleep 1; exit 5']
  long:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 1s
`,
    );
    const r = await p.berth('up', '--abort-on-container-exit', '-t', '1');
    expect(r.stdout).toContain(`${p.name}-quick-1 exited with code 5`);
    expect(r.stderr).toContain('Aborting on container exit...');
    expect(r.code).toBe(5);
    expect((await inspect(`${p.name}-long-1`)).State.Status).toBe('exited');
  }, 60_000);

  it('depends_on restart: true restarts the dependent after its dependency is recreated, and no one else', async () => {
    const yaml = (version: string): string => `
services:
  db:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
    environment: { VERSION: '${version}' }
  api:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
    depends_on:
      db: { condition: service_started, restart: true }
  worker:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
    depends_on: [db]
`;
    const p = project('restart', yaml('1'));
    expect((await p.berth('up', '-d')).code).toBe(0);
    const states = async (): Promise<Record<string, Inspect>> =>
      Object.fromEntries(
        await Promise.all(['db', 'api', 'worker'].map(async (s) => [s, await inspect(`${p.name}-${s}-1`)])),
      );
    const before = await states();
    p.write(yaml('2'));
    const plan = await p.berth('plan');
    expect(plan.stdout).toContain(`* container ${p.name}-api-1 (dependency db recreated)`);
    expect(plan.stdout).toContain('0 to create, 1 to recreate, 0 to start, 1 to restart, 0 to remove, 1 unchanged');
    const r = await p.berth('up', '-d');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Container ${p.name}-api-1  Restarting`);
    const after = await states();
    expect(after.db!.Id).not.toBe(before.db!.Id);
    expect(after.api!.Id).toBe(before.api!.Id);
    expect(after.api!.State.Status).toBe('running');
    expect(Date.parse(after.api!.State.StartedAt)).toBeGreaterThan(Date.parse(before.api!.State.StartedAt));
    // After the new db started: the restart waited for it
    expect(Date.parse(after.api!.State.StartedAt)).toBeGreaterThanOrEqual(Date.parse(after.db!.State.StartedAt));
    expect(after.worker!.State.StartedAt).toBe(before.worker!.State.StartedAt);
  }, 60_000);

  it('keys berth cannot pass to the engine are warned about once per service, in up and in plan', async () => {
    const p = project(
      'warn',
      `
services:
  probe:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
    healthcheck: { test: ['CMD-SHELL', 'true'], interval: 1s, start_interval: 1s }
  quiet:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
`,
    );
    const warning = 'service "probe": healthcheck.start_interval is not supported and will be ignored';
    expect((await p.berth('plan')).stdout).toContain(`WARN ${warning}`);
    const r = await p.berth('up', '-d');
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('start_interval'))).toEqual([`WARN ${warning}`]);
  }, 60_000);

  it('--progress json prints one JSON object per line; plain prints the Compose lines as before', async () => {
    const yaml = `
services:
  one:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
`;
    const p = project('json', yaml);
    const r = await p.berth('--progress', 'json', 'up', '-d');
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter(Boolean);
    const events = lines.map((l) => JSON.parse(l) as { id: string; status: string; text: string });
    expect(events).toContainEqual(
      expect.objectContaining({ id: `Container ${p.name}-one-1`, status: 'done', text: 'Started' }),
    );
    expect(events).toContainEqual(expect.objectContaining({ id: `Network ${p.name}_default`, text: 'Created' }));

    const q = project('plain', yaml);
    const plain = await q.berth('up', '-d');
    expect(plain.stderr).toBe(
      [
        ` Network ${q.name}_default  Creating`,
        ` Network ${q.name}_default  Created`,
        ` Container ${q.name}-one-1  Creating`,
        ` Container ${q.name}-one-1  Started`,
        '',
      ].join('\n'),
    );
    expect((await q.berth('--progress', 'quiet', 'down', '-t', '0')).stderr).toBe('');
  }, 60_000);
});
