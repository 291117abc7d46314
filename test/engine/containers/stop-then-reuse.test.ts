// A stop returns once the exit is recorded; the rootfs and /dev/shm unmounts and the network leave run after it
// (container-remove.ts PendingUnmounts, networks/leave.ts). What uses them again right after must wait for them and
// not find them half gone: a start at once reuses nothing that is going (its files are all there, its network
// works), a copy out at once reads the files, and in the end nothing of the container stays mounted. And the grace
// period of a stop as dockerd reads it: none kills at once, a negative one waits for the exit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../../src/engine/daemon/berthd.js';
import { until } from '../../until.js';
import type { DockerResult } from '../docker-cli.js';
import { runDocker } from '../docker-cli.js';
import { makeBusyboxSaveTar } from '../fixtures/busybox-image.js';

const ready = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

describe.runIf(ready)('a container used again right after its stop', () => {
  let dir: string;
  let daemon: Berthd;
  const tag = `berth-reuse-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const net = `${tag}-n`;
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(daemon.socket, args);
  const mountsOf = (id: string): string[] =>
    readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.includes(id));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-reuse-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    expect((await docker('load', '-i', join(dir, 'busybox.tar'))).code).toBe(0);
    expect((await docker('network', 'create', net)).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await docker('rm', '-f', `${tag}-srv`, `${tag}-c`, `${tag}-t`).catch(() => undefined);
    await docker('network', 'rm', net).catch(() => undefined);
    await daemon?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('starts again at once with its files and a working network, copies out at once, and unmounts in the end', async () => {
    const srv = `${tag}-srv`;
    const up = await docker('run', '-d', '--name', srv, '--network', net, image, 'httpd', '-f', '-p', '80', '-h', '/');
    expect(up.code, up.stderr).toBe(0);
    const c = `${tag}-c`;
    const run = await docker(
      'run',
      '-d',
      '--name',
      c,
      '--network',
      net,
      image,
      'sh',
      '-c',
      'echo kept > /k; sleep 600',
    );
    expect(run.code, run.stderr).toBe(0);
    const id = (await docker('inspect', '-f', '{{.Id}}', c)).stdout.trim();
    for (let round = 0; round < 5; round++) {
      expect((await docker('stop', '-t', '0', c)).code, `round ${round}`).toBe(0);
      const started = await docker('start', c);
      expect(started.code, `round ${round}: ${started.stderr}`).toBe(0);
      const read = await docker(
        'exec',
        c,
        'sh',
        '-c',
        `cat /k && wget -q -O /dev/null http://${srv}/etc/passwd && echo net`,
      );
      expect(read.stdout, `round ${round}: ${read.stderr}`).toBe('kept\nnet\n');
    }
    expect((await docker('stop', '-t', '0', c)).code).toBe(0);
    const copied = await docker('cp', `${c}:/k`, join(dir, 'k'));
    expect(copied.code, copied.stderr).toBe(0);
    expect(readFileSync(join(dir, 'k'), 'utf8')).toBe('kept\n');
    // the copy mounted the rootfs again (it stays mounted until removal); the removal takes every mount with it
    expect((await docker('rm', c)).code).toBe(0);
    await until(
      'no mount of the container to be left',
      async () => (mountsOf(id).length === 0 ? true : undefined),
      5000,
    );
  }, 120_000);

  it('stop -t 0 kills at once; a negative -t waits for the exit as long as it takes, as with dockerd', async () => {
    const t = `${tag}-t`;
    // SIGTERM makes it exit 7 after a second and a half, well past the kill a zero grace sends at once
    const script = "trap 'sleep 1.5; exit 7' TERM; while true; do sleep 0.1; done";
    expect((await docker('run', '-d', '--name', t, image, 'sh', '-c', script)).code).toBe(0);
    expect((await docker('stop', '-t', '-1', t)).code).toBe(0);
    expect((await docker('inspect', '-f', '{{.State.ExitCode}}', t)).stdout.trim()).toBe('7');
    expect((await docker('start', t)).code).toBe(0);
    expect((await docker('stop', '-t', '0', t)).code).toBe(0);
    expect((await docker('inspect', '-f', '{{.State.ExitCode}}', t)).stdout.trim()).toBe('137');
    expect((await docker('rm', t)).code).toBe(0);
  }, 60_000);
});
