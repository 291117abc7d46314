// kill -9 of berthd loses nothing: containers keep running under conmon, their logs continue, an exit that
// happens while berthd is down is recorded when it comes back. berthd runs as its own process here (the built
// bin/berthd.js; `npm test` builds first).
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingEngine } from '../../src/client/endpoint.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../bin/berthd.js');
const built = existsSync(join(import.meta.dirname, '../../dist/engine/daemon/main.js'));
const hasRunc = spawnSync('runc', ['--version']).status === 0;

describe.runIf(built && hasRunc)('berthd after kill -9', () => {
  let dir: string;
  let daemon: ChildProcess | undefined;
  const root = (): string => join(dir, 'root');
  const socket = (): string => join(dir, 'run', 'berth.sock');
  const image = `berth-crash-${process.pid}/busybox:1`;

  const startDaemon = async (): Promise<void> => {
    daemon = spawn(process.execPath, [bin], {
      env: { ...process.env, BERTH_ROOT: root(), BERTH_SOCKET: socket() },
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !(await pingEngine(socket(), 200)); i++) await new Promise((r) => setTimeout(r, 100));
  };
  const docker = async (...args: string[]): Promise<string> =>
    (await run('docker', args, { env: { ...process.env, DOCKER_HOST: `unix://${socket()}` }, timeout: 30_000 })).stdout;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-crash-'));
    await startDaemon();
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    await docker('load', '-i', join(dir, 'busybox.tar'));
  });

  afterAll(async () => {
    if (daemon?.exitCode === null) {
      const ids = (await docker('ps', '-aq').catch(() => '')).split('\n').filter(Boolean);
      if (ids.length > 0) await docker('rm', '-f', ...ids).catch(() => undefined);
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon?.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a running container running, with its logs, and records an exit that happened while it was down', async () => {
    const ticker = (
      await docker('run', '-d', image, 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done')
    ).trim();
    const shortLived = (await docker('run', '-d', image, 'sh', '-c', 'sleep 1; exit 7')).trim();
    await new Promise((r) => setTimeout(r, 500));

    daemon?.kill('SIGKILL');
    await new Promise((r) => daemon?.once('exit', r));
    expect(await pingEngine(socket(), 200)).toBeUndefined();
    // While berthd is down the ticker still runs (runc sees it) and the short-lived one exits.
    const state = spawnSync('runc', ['--root', join(root(), 'runc'), 'state', ticker], { encoding: 'utf8' });
    expect(JSON.parse(state.stdout).status).toBe('running');
    await new Promise((r) => setTimeout(r, 1500));

    await startDaemon();
    expect((await docker('ps', '-q', '--no-trunc')).split('\n')).toContain(ticker);
    const before = (await docker('logs', ticker)).split('\n').filter(Boolean).length;
    await new Promise((r) => setTimeout(r, 800));
    const after = (await docker('logs', ticker)).split('\n').filter(Boolean).length;
    expect(after).toBeGreaterThan(before);
    expect((await docker('inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', shortLived)).trim()).toBe(
      'exited 7',
    );
    await docker('rm', '-f', ticker, shortLived);
  });
});
