// The layer cache when several step images match a key: the newest wins. After `build --no-cache` (new step
// images, new IDs since their times differ), a cached build continues that newest chain, so an unchanged rebuild
// keeps the image ID, and `berth up --build` twice recreates nothing. Own data root, socket and names.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../../src/engine/daemon/berthd.js';
import { RawEngineApi } from '../../client/raw-engine-api.js';
import { type DockerResult, runDocker } from '../docker-cli.js';
import { makeBusyboxSaveTar } from '../fixtures/busybox-image.js';
import { runCli } from '../../cli/run-cli.js';

const hasTools = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

describe.runIf(hasTools)('the newest cached step wins', () => {
  let daemon: Berthd | undefined;
  let client: RawEngineApi | undefined;
  let dir: string;
  let proj: string;
  const project = `berth-newest-${process.pid}`;
  const base = `${project}/busybox:1`;
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(daemon?.socket ?? '', args, 120_000);
  const imageId = async (ref: string): Promise<string> => {
    const r = await docker('image', 'inspect', '-f', '{{.Id}}', ref);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim();
  };
  const env = (): Record<string, string> => ({ BERTH_SOCKET: daemon?.socket ?? '', BERTH_ROOT: daemon?.root ?? '' });
  const berth = (...args: string[]): ReturnType<typeof runCli> => runCli(args, { cwd: proj, env: env() });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-newest-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    client = new RawEngineApi(daemon.socket);
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [base] }));
    expect((await docker('load', '-i', join(dir, 'busybox.tar'))).code).toBe(0);
    proj = join(dir, project);
    mkdirSync(join(proj, 'web'), { recursive: true });
    writeFileSync(
      join(proj, 'web', 'Dockerfile'),
      `FROM ${base}\nCOPY app.txt /app.txt\nRUN echo built > /built\nCMD ["sleep", "3600"]\n`,
    );
    writeFileSync(join(proj, 'web', 'app.txt'), 'v1\n');
    writeFileSync(
      join(proj, 'compose.yaml'),
      `name: ${project}\nservices:\n  web:\n    build: ./web\n    image: ${project}/web:1\n    stop_grace_period: 1s\n`,
    );
  }, 60_000);

  afterAll(async () => {
    try {
      await berth('down', '-v', '-t', '0');
      client?.close();
    } finally {
      await daemon?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('build, build --no-cache, build: the last one keeps the --no-cache image ID', async () => {
    const ref = `${project}/web:1`;
    const ctx = join(proj, 'web');
    expect((await docker('build', '-t', ref, ctx)).code).toBe(0);
    const first = await imageId(ref);
    await new Promise((r) => setTimeout(r, 1100)); // another second: the --no-cache steps get other IDs
    const fresh = await docker('build', '--no-cache', '-t', ref, ctx);
    expect(fresh.code, fresh.stderr).toBe(0);
    const noCache = await imageId(ref);
    expect(noCache).not.toBe(first); // else the test would prove nothing
    const again = await docker('build', '-t', ref, ctx);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.match(/Using cache/g)).toHaveLength(3);
    expect(await imageId(ref)).toBe(noCache);
    // berthd restarted: the index read back from disk keeps the same order, so the same chain wins.
    const root = daemon?.root ?? '';
    const socket = daemon?.socket ?? '';
    client?.close();
    await daemon?.close();
    daemon = await startBerthd({ root, socket });
    client = new RawEngineApi(daemon.socket);
    expect((await docker('build', '-t', ref, ctx)).code).toBe(0);
    expect(await imageId(ref)).toBe(noCache);
  }, 240_000);

  it('berth up --build twice recreates nothing', async () => {
    const ids = async (): Promise<string[]> => {
      const label = JSON.stringify({ label: [`com.docker.compose.project=${project}`] });
      const list = await client!.call<Array<{ Id: string }>>('GET', '/containers/json', {
        query: { all: 1, filters: label },
      });
      return list.map((c) => c.Id).sort();
    };
    const up = await berth('up', '--build', '-d');
    expect(up.code, up.stderr).toBe(0);
    const before = await ids();
    expect(before).toHaveLength(1);
    const image = await imageId(`${project}/web:1`);
    await new Promise((r) => setTimeout(r, 1100));
    const again = await berth('up', '--build', '-d');
    expect(again.code, again.stderr).toBe(0);
    expect(await ids()).toEqual(before);
    expect(await imageId(`${project}/web:1`)).toBe(image);
  }, 240_000);
});
