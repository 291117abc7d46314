// berthd driven by the real docker CLI (DOCKER_HOST=unix://...): images loaded without a registry, containers
// run with runc under conmon. Each run has its own data root, socket and names, and removes what it made.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import type { DockerResult } from './docker-cli.js';
import { runDocker } from './docker-cli.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

describe.runIf(hasRunc)('berthd with the docker CLI as client', () => {
  let daemon: Berthd;
  let dir: string;
  const tag = `berth-test-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(daemon.socket, args);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-cli-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
  });

  afterAll(async () => {
    const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await docker('rm', '-f', ...ids);
    await daemon?.close();
    spawnSync('runc', ['--root', join(dir, 'root', 'runc'), 'list']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers docker version with API 1.41', async () => {
    const r = await docker('version', '--format', '{{.Server.APIVersion}}');
    expect(r.stdout.trim()).toBe('1.41');
  });

  it('docker load of a docker-save tarball makes the image listable', async () => {
    const r = await docker('load', '-i', join(dir, 'busybox.tar'));
    expect(r.stdout).toContain(`Loaded image: ${image}`);
    const images = await docker('images', '--format', '{{.Repository}}:{{.Tag}}');
    expect(images.stdout.split('\n')).toContain(image);
  });

  it('docker run --rm prints the output and removes the container', async () => {
    const r = await docker('run', '--rm', image, 'echo', 'hi');
    expect(r.stdout).toBe('hi\n');
    expect((await docker('ps', '-aq')).stdout.trim()).toBe('');
  });

  it('docker run passes the exit code through', async () => {
    const r = await docker('run', '--rm', image, 'sh', '-c', 'echo out; echo err >&2; exit 3');
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toContain('err');
  });

  it('docker run -d, ps, logs -f and inspect show a running container', async () => {
    const name = `${tag}-logs`;
    const id = (
      await docker(
        'run',
        '-d',
        '--name',
        name,
        '--label',
        'com.example.x=1',
        image,
        'sh',
        '-c',
        'for i in 1 2 3; do echo line $i; sleep 0.2; done',
      )
    ).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const ps = await docker('ps', '-a', '--filter', 'label=com.example.x=1', '--format', '{{.Names}}');
    expect(ps.stdout.trim()).toBe(name);
    const logs = await docker('logs', '-f', name);
    expect(logs.stdout).toBe('line 1\nline 2\nline 3\n');
    const state = JSON.parse((await docker('inspect', '--format', '{{json .State}}', name)).stdout) as {
      Status: string;
      ExitCode: number;
    };
    expect(state).toMatchObject({ Status: 'exited', ExitCode: 0 });
    const config = JSON.parse((await docker('inspect', '--format', '{{json .Config.Labels}}', name)).stdout) as Record<
      string,
      string
    >;
    expect(config['com.example.x']).toBe('1');
    await docker('rm', name);
  });

  it('docker stop honours the grace period and falls back to SIGKILL', async () => {
    const name = `${tag}-stop`;
    // A shell that ignores SIGTERM: only SIGKILL ends it, after the 1 s grace period.
    await docker('run', '-d', '--name', name, image, 'sh', '-c', "trap '' TERM; while true; do sleep 0.1; done");
    const started = Date.now();
    await docker('stop', '-t', '1', name);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    const state = JSON.parse((await docker('inspect', '--format', '{{json .State}}', name)).stdout) as {
      Status: string;
      ExitCode: number;
    };
    expect(state).toMatchObject({ Status: 'exited', ExitCode: 137 });
    await docker('rm', name);
  });

  it('docker rm -f removes a running container and its folder', async () => {
    const name = `${tag}-rmf`;
    const id = (await docker('run', '-d', '--name', name, image, 'sleep', '60')).stdout.trim();
    const r = await docker('rm', '-f', name);
    expect(r.code).toBe(0);
    expect((await docker('ps', '-aq')).stdout).not.toContain(id.slice(0, 12));
    expect(() => readFileSync(join(daemon.root, 'containers', id, 'config.v2.json'))).toThrow();
  });

  it('a missing image is a clear error with --pull never (no registry is asked)', async () => {
    const r = await docker('run', '--rm', '--pull', 'never', `${tag}/nope:1`, 'true');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/No such image/);
  });

  it('docker events streams container events, filtered by container and event, with labels', async () => {
    const name = `${tag}-events`;
    const since = String(Math.floor(Date.now() / 1000) - 1);
    await docker('run', '--rm', '--name', name, '--label', `${tag}.role=probe`, image, 'true');
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const all = await docker(
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      `container=${name}`,
      '--format',
      '{{.Action}}',
    );
    expect(all.stdout).toMatch(/create[\s\S]*start[\s\S]*die[\s\S]*destroy/);
    const dies = await docker(
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      `label=${tag}.role=probe`,
      '--filter',
      'event=die',
      '--format',
      '{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}',
    );
    expect(dies.stdout.trim()).toBe(`${name} 0`);
    const none = await docker('events', '--since', since, '--until', until, '--filter', `label=${tag}.role=other`);
    expect(none.stdout.trim()).toBe('');
  });

  it('docker save of an image loads back into the same ID', async () => {
    const before = (await docker('image', 'inspect', '--format', '{{.Id}}', image)).stdout.trim();
    const tar = join(dir, 'saved.tar');
    expect((await docker('save', '-o', tar, image)).code).toBe(0);
    expect((await docker('rmi', image)).code).toBe(0);
    expect((await docker('load', '-i', tar)).stdout).toContain(`Loaded image: ${image}`);
    expect((await docker('image', 'inspect', '--format', '{{.Id}}', image)).stdout.trim()).toBe(before);
  });

  it('two concurrent creates with one name: exactly one wins, the other gets a conflict', async () => {
    const name = `${tag}-race`;
    const results = await Promise.all([1, 2, 3].map(() => docker('create', '--name', name, image, 'true')));
    expect(results.filter((r) => r.code === 0)).toHaveLength(1);
    for (const r of results.filter((x) => x.code !== 0)) expect(r.stderr).toMatch(/already in use/);
    const ids = (await docker('ps', '-aq', '--filter', `name=${name}`)).stdout.split('\n').filter(Boolean);
    expect(ids).toHaveLength(1);
    await docker('rm', '-f', name);
  });
});
