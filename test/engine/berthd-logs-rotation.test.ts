// Logs as dockerd's json-file gives them, on berthd and on Debian's dockerd with the same stack: a line written in
// two pieces is one whole line for `logs --tail 1`, and `max-size: 1k, max-file: 3` keeps about three files of
// history (not one) that `logs`, `--tail` and `-f` read oldest first, gzipped too with `compress`. Driven by `berth logs` on a stack and by
// `docker logs` directly. Each engine runs on its own data root and socket, with its own project and image tag.
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingEngine } from '../../src/client/endpoint.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { runCli } from '../cli/run-cli.js';
import type { DockerResult } from './docker-cli.js';
import { runDocker } from './docker-cli.js';
import { hasDockerd, startDockerd } from './dockerd-engine.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const run = promisify(execFile);
const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

const LINES = 150;
const STACK = `
services:
  split:
    image: \${IMAGE}
    command: ['sh', '-c', "echo first; printf abc; sleep 0.2; printf 'def\\\\n'; sleep 300"]
    stop_grace_period: 1s
  rot:
    image: \${IMAGE}
    command: ['sh', '-c', 'i=0; while [ $$i -lt ${LINES} ]; do echo line-$$i; i=$$((i+1)); sleep 0.02; done']
    logging:
      driver: json-file
      options: { max-size: 1k, max-file: '3' }
  zip:
    image: \${IMAGE}
    command: ['sh', '-c', 'i=0; while [ $$i -lt ${LINES} ]; do echo line-$$i; i=$$((i+1)); sleep 0.02; done']
    logging:
      driver: json-file
      options: { max-size: 1k, max-file: '3', compress: 'true' }
`;

function scenario(engine: 'berthd' | 'dockerd'): void {
  let dir: string;
  let socket: string;
  let env: Record<string, string>;
  let close: () => Promise<void> = async () => undefined;
  let following: Promise<DockerResult> | undefined;
  const project = `berth-logrot-${engine}-${process.pid}`;
  const image = `${project}/busybox:1`;
  const berth = (...args: string[]) => runCli(['-p', project, ...args], { cwd: dir, env });
  const docker = (...args: string[]) => runDocker(socket, args);
  const numbers = (text: string): number[] =>
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => Number(/line-(\d+)$/.exec(l)?.[1] ?? NaN));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-logrot-'));
    if (engine === 'berthd') {
      const d = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
      socket = d.socket;
      env = { BERTH_SOCKET: d.socket, BERTH_ROOT: d.root, IMAGE: image };
      close = () => d.close();
    } else {
      const d = await startDockerd(dir);
      socket = d.socket;
      env = { DOCKER_HOST: `unix://${d.socket}`, IMAGE: image };
      close = () => d.close();
    }
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    // Asynchronous: berthd runs in this process, so a synchronous child would block it.
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    });
    writeFileSync(join(dir, 'compose.yaml'), STACK);
    const up = await berth('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    // Followed from the start, while the files rotate under it; ends when the container exits.
    following = docker('logs', '-f', `${project}-rot-1`);
  }, 120_000);

  afterAll(async () => {
    try {
      if (env) await berth('down', '-t', '0', '--rmi', 'all');
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('logs --tail 1 must give a line written in two pieces whole, with berth and with docker', async () => {
    let all = '';
    for (let i = 0; i < 100 && !all.includes('def'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      all = (await docker('logs', `${project}-split-1`)).stdout;
    }
    expect(all).toBe('first\nabcdef\n');
    expect((await docker('logs', '--tail', '1', `${project}-split-1`)).stdout).toBe('abcdef\n');
    expect((await docker('logs', '--tail', '2', `${project}-split-1`)).stdout).toBe('first\nabcdef\n');
    const viaBerth = await berth('logs', '--no-log-prefix', '--tail', '1', 'split');
    expect(viaBerth.stdout).toBe('abcdef\n');
  });

  it('max-size 1k with max-file 3 must keep about three files of history, read oldest first', async () => {
    const name = `${project}-rot-1`;
    const wait = await docker('wait', name);
    expect(wait.stdout.trim()).toBe('0');
    const logs = await docker('logs', name);
    const kept = numbers(logs.stdout);
    // Lines run without a gap up to the last one; the oldest went with the rotations.
    expect(kept.at(-1)).toBe(LINES - 1);
    expect(kept).toEqual(kept.map((_, i) => (kept[0] as number) + i));
    expect(kept[0]).toBeGreaterThan(0);
    // One 1k file holds 13 (json-file) to 19 (k8s-file) of these records; three hold 2-3 times that.
    expect(kept.length).toBeGreaterThanOrEqual(24);
    expect(kept.length).toBeLessThanOrEqual(80);
    // --tail, -f (ends at once: the container has exited) and berth logs read the same files.
    expect(numbers((await docker('logs', '--tail', '30', name)).stdout)).toEqual(kept.slice(-30));
    expect((await docker('logs', '-f', name)).stdout).toBe(logs.stdout);
    const followed = numbers((await following)?.stdout ?? '');
    expect(followed.at(-1)).toBe(LINES - 1);
    const distinct = [...new Set(followed)];
    expect(distinct).toEqual(distinct.map((_, i) => (distinct[0] as number) + i)); // no line lost
    expect(distinct.length).toBeGreaterThanOrEqual(kept.length);
    // Nor repeated on berthd; dockerd 20.10's follower repeats a line at some rotations.
    if (engine === 'berthd') expect(followed).toEqual(distinct);
    const viaBerth = await berth('logs', '--no-log-prefix', 'rot');
    expect(viaBerth.stdout).toBe(logs.stdout);
    // -t and --until across the files: every line stamped, and a time before the start keeps nothing.
    const stamped = (await docker('logs', '-t', name)).stdout.split('\n').filter(Boolean);
    expect(stamped).toHaveLength(kept.length);
    expect((await docker('logs', '--until', '2000-01-01T00:00:00Z', name)).stdout).toBe('');
  });

  it('compress must gzip the rotated files and logs must still read them, oldest first', async () => {
    const name = `${project}-zip-1`;
    expect((await docker('wait', name)).stdout.trim()).toBe('0');
    const kept = numbers((await docker('logs', name)).stdout);
    expect(kept.at(-1)).toBe(LINES - 1);
    expect(kept).toEqual(kept.map((_, i) => (kept[0] as number) + i));
    expect(kept[0]).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThanOrEqual(24);
    expect(kept.length).toBeLessThanOrEqual(80);
    if (engine === 'berthd') {
      const logPath = (await docker('inspect', '-f', '{{.LogPath}}', name)).stdout.trim();
      expect(existsSync(`${logPath}.2.gz`)).toBe(true);
      expect(gunzipSync(readFileSync(`${logPath}.2.gz`)).toString()).toMatch(/ stdout F line-\d+\n$/);
    }
  });
}

describe.runIf(hasRunc)('logs of partial lines and rotated files on berthd', () => scenario('berthd'));
describe.runIf(hasRunc && hasDockerd)("logs of partial lines and rotated files on Debian's dockerd", () =>
  scenario('dockerd'),
);

// berthd as its own process (the built bin/berthd.js), killed while a container logs: rotation carries on once it
// is back (the log grew past max-size meanwhile), and nothing written while it was down is lost.
const bin = join(import.meta.dirname, '../../bin/berthd.js');
const built = existsSync(join(import.meta.dirname, '../../dist/engine/daemon/main.js'));

describe.runIf(built && hasRunc)('log rotation after berthd is killed and started again', () => {
  let dir: string;
  let daemon: ChildProcess | undefined;
  const socket = (): string => join(dir, 'run', 'berth.sock');
  const image = `berth-logrot-crash-${process.pid}/busybox:1`;
  const docker = (...args: string[]) => runDocker(socket(), args);
  const startDaemon = async (): Promise<void> => {
    daemon = spawn(process.execPath, [bin], {
      env: { ...process.env, BERTH_ROOT: join(dir, 'root'), BERTH_SOCKET: socket() },
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !(await pingEngine(socket(), 200)); i++) await new Promise((r) => setTimeout(r, 100));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-logrot-crash-'));
    await startDaemon();
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${socket()}` },
    });
  }, 60_000);

  afterAll(async () => {
    try {
      if (daemon?.exitCode === null) {
        const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await docker('rm', '-f', ...ids);
        daemon.kill('SIGTERM');
        await new Promise((r) => daemon?.once('exit', r));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('must rotate the log that grew while berthd was down and keep every line since', async () => {
    const script = 'i=0; while [ $i -lt 200 ]; do echo line-$i; i=$((i+1)); sleep 0.02; done';
    const opts = ['--log-opt', 'max-size=1k', '--log-opt', 'max-file=3'];
    const id = (await docker('run', '-d', ...opts, image, 'sh', '-c', script)).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    await new Promise((r) => setTimeout(r, 800));
    daemon?.kill('SIGKILL');
    await new Promise((r) => daemon?.once('exit', r));
    await new Promise((r) => setTimeout(r, 1500)); // ~1.5 s of lines go to a log nobody rotates
    await startDaemon();
    expect((await docker('wait', id)).stdout.trim()).toBe('0');
    const logPath = (await docker('inspect', '-f', '{{.LogPath}}', id)).stdout.trim();
    expect(existsSync(`${logPath}.2`)).toBe(true);
    expect(existsSync(`${logPath}.3`)).toBe(false);
    expect(statSync(logPath).size).toBeLessThan(1024 + 200);
    const kept = (await docker('logs', id)).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => Number(/line-(\d+)$/.exec(l)?.[1] ?? NaN));
    expect(kept.at(-1)).toBe(199);
    expect(kept).toEqual(kept.map((_, i) => (kept[0] as number) + i));
    expect(kept[0]).toBeGreaterThan(0);
  });
});
