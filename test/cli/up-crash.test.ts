// `kill -9` of the berth CLI in the middle of `up`, at several points: the next `up` must reach the same final state
// (one running container per service, with the stack's names, hashes and the volume) as an uninterrupted one; in
// the middle of `down`: the next `down` must leave nothing. What the killed run had sent, berthd goes on with.
// berth runs as a real process here (bin/berth.js, so `npm run build` first, as `npm test` does); berthd in-process.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'berth.js');
const ready =
  spawnSync('runc', ['--version']).status === 0 &&
  spawnSync('docker', ['--version']).status === 0 &&
  existsSync(join(import.meta.dirname, '..', '..', 'dist', 'berth.cjs'));

const STACK = (mode: string): string => `
services:
  web:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
    depends_on: [api]
  api:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
    environment: { MODE: ${mode} }
    depends_on: [db]
  db:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s
    volumes: ['data:/data']
volumes:
  data: {}
`;

describe.runIf(ready)('kill -9 of berth during up', () => {
  let daemon: Berthd;
  let dir: string;
  let env: Record<string, string>;
  const project = `berth-crash-${process.pid}`;
  const image = `${project}/busybox:1`;
  const berth = (...args: string[]) => runCli(['-p', project, ...args], { cwd: dir, env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-crash-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` },
    });
    env = { BERTH_SOCKET: daemon.socket, BERTH_ROOT: daemon.root, IMAGE: image };
  }, 60_000);

  afterAll(async () => {
    if (daemon) {
      await berth('down', '-v', '--remove-orphans', '-t', '0');
      await daemon.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** Starts `berth up -d` (or the command `args` names) as a process and kills it with SIGKILL after `ms`. */
  async function killedUp(ms: number, args = ['up', '-d']): Promise<void> {
    const child = spawn(process.execPath, [BIN, '-p', project, ...args], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r)); // it may finish before the kill
    await new Promise((r) => setTimeout(r, ms));
    child.kill('SIGKILL');
    await exited;
  }

  async function finalState(): Promise<string[]> {
    const ps = await berth('ps', '-a', '--format', 'json');
    return ps.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { Name: string; State: string })
      .map((c) => `${c.Name} ${c.State}`)
      .sort();
  }

  const expected = (): string[] => ['api', 'db', 'web'].map((s) => `${project}-${s}-1 running`);

  for (const ms of [150, 300, 450, 600]) {
    it(`converges after a kill at ${ms} ms, for a fresh stack and for a recreate`, async () => {
      await berth('down', '-v', '-t', '0');
      writeFileSync(join(dir, 'compose.yaml'), STACK('one'));
      await killedUp(ms);
      const first = await berth('up', '-d');
      expect(first.code, first.stderr).toBe(0);
      expect(await finalState()).toEqual(expected());
      expect((await berth('plan')).stdout).toMatch(/0 to create, 0 to recreate, 0 to start, 0 to remove, 3 unchanged/);

      writeFileSync(join(dir, 'compose.yaml'), STACK('two'));
      await killedUp(ms);
      const second = await berth('up', '-d');
      expect(second.code, second.stderr).toBe(0);
      expect(await finalState()).toEqual(expected());
      expect((await berth('plan')).stdout).toMatch(/3 unchanged/);
    }, 60_000);
  }

  // The removals a killed down sent go on in berthd: the next down waits for those under way (a conflict)
  for (const ms of [90, 110, 130]) {
    it(`a down killed at ${ms} ms, then down again, leaves no container, network or volume`, async () => {
      writeFileSync(join(dir, 'compose.yaml'), STACK('one'));
      expect((await berth('up', '-d')).code).toBe(0);
      await killedUp(ms, ['down', '-v', '-t', '0']);
      const again = await berth('down', '-v', '-t', '0');
      expect(again.code, again.stderr).toBe(0);
      expect(await finalState()).toEqual([]);
      const docker = (...args: string[]) =>
        run('docker', args, { env: { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` } });
      const label = `label=com.docker.compose.project=${project}`;
      expect((await docker('network', 'ls', '-q', '--filter', label)).stdout.trim()).toBe('');
      expect((await docker('volume', 'ls', '-q', '--filter', label)).stdout.trim()).toBe('');
    }, 60_000);
  }
});
