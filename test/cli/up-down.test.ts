// `berth up`, `plan`, `ps` and `down` end to end on the built-in engine: a real berthd (own data root and socket),
// real runc containers, bridges and volumes. The stack: web (busybox httpd, published on loopback) depends on api,
// api on db being healthy; db keeps data in a named volume. Each run uses its own project name, port and image tag.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawEngineApi } from '../client/raw-engine-api.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import type { Engine } from './engines.js';
import { hasDockerd, hasRunc, startEngine } from './engines.js';
import { freePort, httpAnswer } from './loopback.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);

function stackYaml(opts: { apiMode: string; withWeb: boolean }): string {
  return `
services:
${
  opts.withWeb
    ? `  web:
    image: \${IMAGE}
    command: httpd -f -p 80 -h /srv
    stop_grace_period: 1s
    ports: ['127.0.0.1:\${PORT}:80']
    volumes: ['./site:/srv:ro']
    depends_on: [api]
`
    : ''
}  api:
    image: \${IMAGE}
    stop_grace_period: 1s
    command: sh -c 'while true; do echo api $$MODE; sleep 30; done'
    environment: { MODE: ${opts.apiMode} }
    depends_on:
      db: { condition: service_healthy }
  db:
    image: \${IMAGE}
    stop_grace_period: 1s
    command: ['sh', '-c', 'touch /data/ready; sleep 3600']
    volumes: ['data:/data']
    healthcheck:
      test: ['CMD-SHELL', '[ -f /data/ready ]']
      interval: 200ms
      retries: 20
volumes:
  data: {}
`;
}

function scenario(engine: 'berthd' | 'dockerd'): void {
  let daemon: Engine;
  let dir: string;
  let client: RawEngineApi;
  let env: Record<string, string>;
  const project = `berth-up-${engine}-${process.pid}`;
  const image = `${project}/busybox:1`;

  const berth = (...args: string[]) => runCli(['-p', project, ...args], { cwd: dir, env });
  const ids = async (): Promise<Record<string, string>> => {
    const r = await berth('ps', '-a', '--format', 'json');
    const rows = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { Service: string; ID: string });
    return Object.fromEntries(rows.map((x) => [x.Service, x.ID]));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-up-'));
    daemon = await startEngine(engine, dir);
    client = new RawEngineApi(daemon.socket);
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    // Asynchronous: berthd runs in this process, so a synchronous child would block it.
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` },
    });
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'index.html'), 'hello from web\n');
    env = { ...daemon.env, IMAGE: image, PORT: String(await freePort()) };
    writeFileSync(join(dir, 'compose.yaml'), stackYaml({ apiMode: 'one', withWeb: true }));
  }, 60_000);

  afterAll(async () => {
    if (daemon) {
      await berth('down', '-v', '--remove-orphans', '-t', '0');
      client.close();
      await daemon.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('up -d brings the stack up in dependency order and the published port answers', async () => {
    const r = await berth('up', '-d');
    expect(r.stderr).toMatch(/Container .*-db-1 {2}Started/);
    expect(r.code).toBe(0);
    const order = ['db', 'api', 'web'].map((s) => r.stderr.indexOf(`${project}-${s}-1  Started`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(await httpAnswer(Number(env.PORT))).toBe('hello from web\n');
    const ps = await berth('ps', '--format', 'json');
    const rows = ps.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { Service: string; State: string });
    expect(rows.map((x) => `${x.Service} ${x.State}`).sort()).toEqual(['api running', 'db running', 'web running']);
  }, 60_000);

  it('stop, start, port, top, images, ls, pause and unpause act on the project as Compose does', async () => {
    const state = async (service: string): Promise<string> => {
      const rows = (await berth('ps', '-a', '--format', 'json')).stdout.split('\n').filter(Boolean);
      const row = rows
        .map((l) => JSON.parse(l) as { Service: string; State: string })
        .find((x) => x.Service === service);
      return row?.State ?? 'missing';
    };
    const stopped = await berth('stop', '-t', '1', 'api');
    expect(stopped.stderr).toMatch(/Container .*-api-1 {2}Stopped/);
    expect(await state('api')).toBe('exited');
    expect(await state('db')).toBe('running');
    expect((await berth('start', 'api')).code).toBe(0);
    expect(await state('api')).toBe('running');
    expect((await berth('port', 'web', '80')).stdout).toBe(`127.0.0.1:${env.PORT}\n`);
    expect((await berth('port', 'web', '81')).code).not.toBe(0);
    expect((await berth('top', 'db')).stdout).toMatch(/sleep 3600/);
    expect((await berth('images')).stdout).toContain(image.slice(0, image.lastIndexOf(':')));
    const ls = await runCli(['ls', '--format', 'json'], { cwd: dir, env });
    expect(
      (JSON.parse(ls.stdout) as Array<{ Name: string; Status: string }>).find((p) => p.Name === project)?.Status,
    ).toBe('running(3)');
    expect((await berth('pause', 'api')).code).toBe(0);
    expect(await state('api')).toBe('paused');
    expect((await berth('unpause', 'api')).code).toBe(0);
    expect(await state('api')).toBe('running');
  }, 60_000);

  it('an unchanged up plans nothing and makes no changing call', async () => {
    const plan = await berth('plan');
    expect(plan.stdout).toMatch(/0 to create, 0 to recreate, 0 to start, 0 to remove, 3 unchanged/);
    const since = (Date.now() / 1000).toFixed(3); // seconds.fraction, so earlier events in this second stay out
    const before = await ids();
    expect((await berth('up', '-d')).code).toBe(0);
    expect(await ids()).toEqual(before);
    const res = await client.raw('GET', '/events', {
      query: { since, until: Math.floor(Date.now() / 1000) + 1, filters: JSON.stringify({ type: ['container'] }) },
    });
    let text = '';
    for await (const c of res) text += String(c);
    const actions = text
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { Action: string }).Action)
      .filter((a) => !a.startsWith('exec_') && !a.startsWith('health_status'));
    expect(actions).toEqual([]);
  }, 60_000);

  it('a changed environment recreates api alone; db keeps its container and its data', async () => {
    const before = await ids();
    writeFileSync(join(dir, 'compose.yaml'), stackYaml({ apiMode: 'two', withWeb: true }));
    const plan = await berth('plan');
    expect(plan.stdout).toContain(`~ container ${project}-api-1 (changed: environment)`);
    expect((await berth('up', '-d')).code).toBe(0);
    const after = await ids();
    expect(after.db).toBe(before.db);
    expect(after.web).toBe(before.web);
    expect(after.api).not.toBe(before.api);
  }, 60_000);

  it("--force-recreate db gives a new container that still has the named volume's data", async () => {
    const dockerEnv = { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` };
    const before = await ids();
    await run('docker', ['exec', before.db!, 'sh', '-c', 'echo kept > /data/marker'], { env: dockerEnv });
    expect((await berth('up', '-d', '--force-recreate', '--no-deps', 'db')).code).toBe(0);
    const after = await ids();
    expect(after.db).not.toBe(before.db);
    const read = await run('docker', ['exec', after.db!, 'cat', '/data/marker'], { env: dockerEnv });
    expect(read.stdout).toBe('kept\n');
  }, 60_000);

  it('removing a service and up --remove-orphans removes its container', async () => {
    writeFileSync(join(dir, 'compose.yaml'), stackYaml({ apiMode: 'two', withWeb: false }));
    const warned = await berth('up', '-d');
    expect(warned.stderr).toMatch(/Found orphan containers \(\[.*-web-1\]\)/);
    expect((await berth('up', '-d', '--remove-orphans')).code).toBe(0);
    expect(Object.keys(await ids()).sort()).toEqual(['api', 'db']);
  }, 60_000);

  it('attached up follows the logs and stops the containers on Ctrl-C', async () => {
    const interrupt = new AbortController();
    const attached = runCli(['-p', project, 'up'], { cwd: dir, env, signal: interrupt.signal });
    for (let i = 0; i < 100; i++) {
      const r = await berth('ps', '--format', 'json');
      if (r.stdout.split('\n').filter((l) => l.includes('"running"')).length === 2) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    await new Promise((res) => setTimeout(res, 500));
    interrupt.abort();
    const r = await attached;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Attaching to .*-api-1/);
    expect(r.stdout).toMatch(/-api-1 +\| api two/);
    expect(r.stderr).toContain('Gracefully stopping');
    const ps = await berth('ps', '-a', '--format', 'json');
    const states = ps.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { State: string }).State);
    expect(states).toEqual(['exited', 'exited']);
  }, 60_000);

  it('down -v leaves no container, network, volume or mount of the project', async () => {
    expect((await berth('down', '-v', '-t', '1')).code).toBe(0);
    expect(await ids()).toEqual({});
    const label = JSON.stringify({ label: [`com.docker.compose.project=${project}`] });
    expect(await client.call('GET', '/containers/json', { query: { all: 1, filters: label } })).toEqual([]);
    expect(await client.call('GET', '/networks', { query: { filters: label } })).toEqual([]);
    const vols = await client.call<{ Volumes: unknown[] | null }>('GET', '/volumes', { query: { filters: label } });
    expect(vols.Volumes ?? []).toEqual([]);
    // No container root filesystem of the project is still mounted (the daemon's own mounts may stay).
    const overlays = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('overlay ') && l.includes(dir));
    expect(overlays).toEqual([]);
  }, 60_000);
}

describe.runIf(hasRunc)('berth up/plan/ps/down on berthd', () => scenario('berthd'));
describe.runIf(hasRunc && hasDockerd)("berth up/plan/ps/down on Debian's dockerd", () => scenario('dockerd'));
