// `berth build` and `berth up --build` on the built-in engine: two services built from Dockerfiles on the busybox
// test image; a code change in one followed by `up --build` recreates only that one. Own data root and names.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { RawEngineApi } from '../client/raw-engine-api.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import { runDocker } from '../engine/docker-cli.js';
import { runCli } from './run-cli.js';

const hasTools = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

interface Summary {
  Id: string;
  Names: string[];
  Labels: Record<string, string>;
}

describe.runIf(hasTools)('berth build and up --build', () => {
  let daemon: Berthd | undefined;
  let dir: string;
  let proj: string;
  let client: RawEngineApi;
  let env: Record<string, string>;
  const project = `berth-build-${process.pid}`;
  const base = `${project}/busybox:1`;
  const berth = (...args: string[]): ReturnType<typeof runCli> => runCli(args, { cwd: proj, env });
  const containers = async (): Promise<Record<string, string>> => {
    const list = await client.call<Summary[]>('GET', '/containers/json', {
      query: { all: 1, filters: JSON.stringify({ label: [`com.docker.compose.project=${project}`] }) },
    });
    return Object.fromEntries(list.map((c) => [c.Labels['com.docker.compose.service'] ?? '', c.Id]));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-build-cli-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    env = { BERTH_SOCKET: daemon.socket, BERTH_ROOT: daemon.root, BASE: base };
    client = new RawEngineApi(daemon.socket);
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [base] }));
    expect((await runDocker(daemon.socket, ['load', '-i', join(dir, 'busybox.tar')])).code).toBe(0);
    proj = join(dir, project);
    for (const svc of ['web', 'worker']) {
      mkdirSync(join(proj, svc), { recursive: true });
      writeFileSync(
        join(proj, svc, 'Dockerfile'),
        `ARG BASE\nFROM \${BASE}\nCOPY app.txt /app.txt\nCMD ["sh", "-c", "cat /app.txt; sleep 3600"]\n`,
      );
      writeFileSync(join(proj, svc, 'app.txt'), `${svc} v1\n`);
    }
    writeFileSync(
      join(proj, 'compose.yaml'),
      `name: ${project}
services:
  web:
    build: { context: ./web, args: { BASE: "\${BASE}" } }
    stop_grace_period: 1s
  worker:
    image: ${project}/worker:dev
    build:
      context: ./worker
      args: [BASE]
      labels: { org.example.built-by: berth }
    stop_grace_period: 1s
`,
    );
  }, 60_000);

  afterAll(async () => {
    try {
      await berth('down', '-v');
      client?.close();
    } finally {
      await daemon?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('berth build tags <project>-<service> or the image: name, with the build labels', async () => {
    const r = await berth('build');
    expect(r.code, r.stderr).toBe(0);
    const web = await client.find<{ Id: string }>(`/images/${project}-web/json`);
    const worker = await client.find<{ Config: { Labels: Record<string, string> } }>(
      `/images/${encodeURIComponent(`${project}/worker:dev`)}/json`,
    );
    expect(web?.Id).toMatch(/^sha256:/);
    expect(worker?.Config.Labels['org.example.built-by']).toBe('berth');
  }, 120_000);

  it('up --build starts both; after a code change only the changed service is recreated', async () => {
    const up = await berth('up', '--build', '-d');
    expect(up.code, up.stderr).toBe(0);
    const first = await containers();
    expect(Object.keys(first).sort()).toEqual(['web', 'worker']);
    writeFileSync(join(proj, 'web', 'app.txt'), 'web v2\n');
    const again = await berth('up', '--build', '-d');
    expect(again.code, again.stderr).toBe(0);
    const second = await containers();
    expect(second.worker).toBe(first.worker);
    expect(second.web).not.toBe(first.web);
    const logs = await runDocker(daemon?.socket ?? '', ['logs', second.web ?? '']);
    expect(logs.stdout).toBe('web v2\n');
  }, 180_000);

  it('a failing build names the service and the Dockerfile line, and up changes nothing', async () => {
    const before = await containers();
    writeFileSync(join(proj, 'worker', 'Dockerfile'), `ARG BASE\nFROM \${BASE}\nRUN exit 5\n`);
    const r = await berth('up', '--build', '-d');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /service "worker" failed to build: Dockerfile:3: The command .* returned a non-zero code: 5/,
    );
    expect(await containers()).toEqual(before);
  }, 120_000);

  it('--context and -H choose the engine as the docker CLI does; an unknown context is an error', async () => {
    const config = join(dir, 'docker-config');
    const hash = createHash('sha256').update('mine').digest('hex');
    mkdirSync(join(config, 'contexts', 'meta', hash), { recursive: true });
    writeFileSync(
      join(config, 'contexts', 'meta', hash, 'meta.json'),
      JSON.stringify({ Name: 'mine', Endpoints: { docker: { Host: `unix://${daemon?.socket}` } } }),
    );
    // BERTH_SOCKET points nowhere: only the context (or -H) can reach the test's berthd.
    const elsewhere = { BERTH_SOCKET: join(dir, 'none.sock'), BERTH_ROOT: join(dir, 'none'), DOCKER_CONFIG: config };
    const viaContext = await runCli(['--context', 'mine', 'ls', '--format', 'json'], { cwd: proj, env: elsewhere });
    expect(viaContext.code, viaContext.stderr).toBe(0);
    expect(viaContext.stdout).toContain(project);
    const viaHost = await runCli(['-H', `unix://${daemon?.socket}`, 'ps', '-q'], { cwd: proj, env: elsewhere });
    expect(viaHost.code, viaHost.stderr).toBe(0);
    expect(viaHost.stdout.trim().split('\n')).toHaveLength(2);
    const unknown = await runCli(['--context', 'nope', 'ps'], { cwd: proj, env: elsewhere });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('context "nope" does not exist');
  });

  it('down --rmi local removes the images built for services without image:, and keeps the others', async () => {
    const r = await berth('down', '--rmi', 'local');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Image ${project}-web  Removed`);
    expect(await client.find(`/images/${project}-web/json`)).toBeUndefined();
    expect(await client.find(`/images/${encodeURIComponent(`${project}/worker:dev`)}/json`)).toBeDefined();
  }, 60_000);
});
