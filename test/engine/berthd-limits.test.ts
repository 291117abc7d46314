// berthd's pause, rename, top, stats, memory and pids limits, and image archives it must refuse or import, driven
// by the real docker CLI. Each run has its own data root, socket and names, and removes what it made.
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import type { DockerResult } from './docker-cli.js';
import { runDocker } from './docker-cli.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import {
  busyboxLayerEntries,
  makeBusyboxImage,
  makeBusyboxSaveTar,
  makeLayerTar,
  makeSaveTar,
} from './fixtures/busybox-image.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

/** The first `count` JSON lines of a streaming GET, then closes the connection (as `docker stats` does). */
function readJsonLines(socketPath: string, path: string, count: number): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => {
      let buffered = '';
      const lines: Array<Record<string, unknown>> = [];
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let at: number;
        while ((at = buffered.indexOf('\n')) >= 0 && lines.length < count) {
          lines.push(JSON.parse(buffered.slice(0, at)) as Record<string, unknown>);
          buffered = buffered.slice(at + 1);
        }
        if (lines.length >= count) {
          req.destroy();
          resolve(lines);
        }
      });
      res.on('end', () => resolve(lines));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every path under `dir` whose last segment is `name`. */
function findNamed(dir: string, name: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === name) found.push(path);
    if (entry.isDirectory() && !entry.isSymbolicLink()) found.push(...findNamed(path, name));
  }
  return found;
}

describe.runIf(hasRunc)('berthd limits and container extras with the docker CLI', () => {
  let daemon: Berthd;
  let dir: string;
  const tag = `berth-limits-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(daemon.socket, args, 60_000);
  const inspect = async <T>(name: string, format: string): Promise<T> =>
    JSON.parse((await docker('inspect', '--format', `{{json ${format}}}`, name)).stdout) as T;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-limits-'));
    // Nested, so a `../../escape` entry resolved against a folder of the data root would still land inside `dir`.
    daemon = await startBerthd({ root: join(dir, 'a', 'b', 'root'), socket: join(dir, 'run', 'berth.sock') });
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    const loaded = await docker('load', '-i', join(dir, 'busybox.tar'));
    expect(loaded.stdout).toContain(`Loaded image: ${image}`);
  });

  afterAll(async () => {
    if (daemon) {
      const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
      for (const id of ids) await docker('unpause', id);
      if (ids.length > 0) await docker('rm', '-f', ...ids);
      await daemon.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('docker pause must freeze the container (ps shows Paused) and unpause must let its command go on', async () => {
    const name = `${tag}-pause`;
    await docker(
      'run',
      '-d',
      '--name',
      name,
      image,
      'sh',
      '-c',
      'i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done',
    );
    expect((await docker('pause', name)).code).toBe(0);
    expect(await inspect(name, '.State')).toMatchObject({ Status: 'paused', Paused: true, Running: true });
    const ps = await docker('ps', '--filter', `name=${name}`, '--format', '{{.Status}}');
    expect(ps.stdout).toContain('(Paused)');
    expect((await docker('pause', name)).code).not.toBe(0); // already paused: 409
    const frozen = (await docker('logs', name)).stdout;
    await new Promise((r) => setTimeout(r, 500));
    expect((await docker('logs', name)).stdout).toBe(frozen);
    expect((await docker('unpause', name)).code).toBe(0);
    expect(await inspect(name, '.State')).toMatchObject({ Status: 'running', Paused: false });
    await new Promise((r) => setTimeout(r, 500));
    expect((await docker('logs', name)).stdout.length).toBeGreaterThan(frozen.length);
    expect((await docker('unpause', name)).code).not.toBe(0); // not paused: 409
    await docker('rm', '-f', name);
  });

  it('docker rename must change the name and refuse a name that is taken', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((s) => `${tag}-rename-${s}`) as [string, string, string];
    await docker('create', '--name', a, image, 'true');
    await docker('create', '--name', b, image, 'true');
    const taken = await docker('rename', a, b);
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toContain('already in use');
    expect((await docker('rename', a, c)).code).toBe(0);
    expect(await inspect(c, '.Name')).toBe(`/${c}`);
    // Not `docker inspect a`: a synchronous route that throws (GET /containers/{id}/json) escapes the server's catch.
    const names = await docker('ps', '-a', '--format', '{{.Names}}');
    expect(names.stdout.split('\n')).not.toContain(a);
    await docker('rm', b, c);
  });

  it('docker top must list the sleep process and docker stats --no-stream must show a memory figure', async () => {
    const name = `${tag}-top`;
    await docker('run', '-d', '--name', name, image, 'sleep', '60');
    const top = await docker('top', name);
    expect(top.stdout.split('\n')[0]).toMatch(/^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD/);
    expect(top.stdout).toContain('sleep 60');
    const stats = await docker('stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}} {{.PIDs}}', name);
    expect(stats.code).toBe(0);
    expect(stats.stdout.trim()).toMatch(new RegExp(`^${name} [\\d.]+[KMG]?i?B / [\\d.]+[KMGT]iB 1$`));
    const samples = await readJsonLines(daemon.socket, `/v1.41/containers/${name}/stats?stream=1`, 2);
    expect(samples).toHaveLength(2);
    expect(samples[1]).toMatchObject({
      name: `/${name}`,
      pids_stats: { current: 1 },
      cpu_stats: { cpu_usage: { total_usage: expect.any(Number) }, online_cpus: expect.any(Number) },
      precpu_stats: { system_cpu_usage: expect.any(Number) },
      memory_stats: { usage: expect.any(Number), limit: expect.any(Number), stats: expect.any(Object) },
    });
    await docker('rm', '-f', name);
  });

  it('a container allocating past -m 32m must exit 137 with OOMKilled true', async () => {
    const name = `${tag}-oom`;
    // busybox sort keeps its whole input line in memory; /dev/zero has no newline, so it grows until killed.
    const r = await docker('run', '--name', name, '-m', '32m', image, 'busybox', 'sort', '/dev/zero');
    expect(r.code).toBe(137);
    expect(await inspect(name, '.State.OOMKilled')).toBe(true);
    expect(await inspect(name, '.HostConfig.Memory')).toBe(32 * 1024 * 1024);
    await docker('rm', name);
  });

  it('--pids-limit 10 must make forks past the limit fail', async () => {
    const name = `${tag}-pids`;
    const script = 'for i in $(busybox seq 30); do sleep 5 & done; wait';
    const r = await docker('run', '--name', name, '--pids-limit', '10', image, 'sh', '-c', script);
    expect(r.stderr).toMatch(/can't fork/);
    await docker('rm', '-f', name);
  });

  it('docker load of a layer with a ../../escape entry must fail and write nothing outside the data root', async () => {
    const img = await makeBusyboxImage({
      tags: [`${tag}/evil:1`],
      extraLayers: [[{ name: '../../escape', content: 'owned\n' }]],
    });
    writeFileSync(join(dir, 'evil.tar'), await makeSaveTar([img]));
    const r = await docker('load', '-i', join(dir, 'evil.tar'));
    // The 200 went out before the archive was read; the refusal comes as an errorDetail line the CLI exits on.
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/escape/);
    expect(r.stdout).not.toContain('Loaded image');
    expect(findNamed(dir, 'escape')).toEqual([]);
    const images = await docker('images', '--format', '{{.Repository}}:{{.Tag}}');
    expect(images.stdout.split('\n')).not.toContain(`${tag}/evil:1`);
  });

  it('docker import of a rootfs tarball must give an image docker run can run', async () => {
    const ref = `${tag}/imported:1`;
    writeFileSync(join(dir, 'rootfs.tar'), await makeLayerTar(busyboxLayerEntries()));
    expect((await docker('import', join(dir, 'rootfs.tar'), ref)).code).toBe(0);
    const r = await docker('run', '--rm', ref, 'echo', 'imported');
    expect(r.stdout).toBe('imported\n');
    const withCmd = `${tag}/imported-cmd:1`;
    const changed = await docker('import', '--change', 'CMD ["echo", "from-change"]', join(dir, 'rootfs.tar'), withCmd);
    expect(changed.code).toBe(0);
    expect((await docker('run', '--rm', withCmd)).stdout).toBe('from-change\n');
    await docker('rmi', withCmd);
    await docker('rmi', ref);
  });

  it('docker kill of a paused container must end it, as dockerd thaws it after the signal', async () => {
    const name = `${tag}-killpaused`;
    await docker('run', '-d', '--name', name, image, 'sleep', '300');
    expect((await docker('pause', name)).code).toBe(0);
    expect((await docker('kill', name)).code).toBe(0);
    expect((await docker('wait', name)).stdout.trim()).toBe('137');
    expect(await inspect(name, '.State')).toMatchObject({ Status: 'exited', Running: false, Paused: false });
    await docker('rm', '-f', name);
  });

  it('an unknown name is a 404 answered at once, not a hang (docker image inspect, docker inspect)', async () => {
    const img = await docker('image', 'inspect', `${tag}/missing:1`);
    expect(img.code).not.toBe(0);
    expect(img.stderr).toMatch(/No such image/);
    const any = await docker('inspect', `${tag}-missing`);
    expect(any.code).not.toBe(0);
    expect(any.stderr).toMatch(/No such object/);
  });

  it('docker images filters by reference, dangling and label as dockerd does', async () => {
    const other = `${tag}/other:2`;
    expect((await docker('tag', image, other)).code).toBe(0);
    const refs = async (...filter: string[]): Promise<string[]> =>
      (await docker('images', ...filter, '--format', '{{.Repository}}:{{.Tag}}')).stdout.split('\n').filter(Boolean);
    expect(await refs('--filter', `reference=${tag}/other`)).toEqual([other]);
    expect(await refs('--filter', `reference=${tag}/*:1`)).toEqual([image]);
    expect((await refs(`${tag}/busybox`)).sort()).toEqual([image]);
    expect(await refs('--filter', 'dangling=true')).toEqual([]);
    expect(await refs('--filter', `label=${tag}-no-such-label`)).toEqual([]);
    await docker('rmi', other);
  });

  it('--log-opt max-size must keep the log under the limit while docker logs still shows the newest lines', async () => {
    const name = `${tag}-logsize`;
    const script = 'i=0; while [ $i -lt 400 ]; do echo line-$i-abcdefghijklmnopqrstuvwxyz; i=$((i+1)); done; sleep 300';
    expect(
      (await docker('run', '-d', '--name', name, '--log-opt', 'max-size=2k', image, 'sh', '-c', script)).code,
    ).toBe(0);
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('line-399-'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      logs = (await docker('logs', name)).stdout;
    }
    expect(logs).toContain('line-399-');
    expect(logs).not.toContain('line-0-');
    const logPath = await inspect<string>(name, '.LogPath');
    expect(statSync(logPath).size).toBeLessThanOrEqual(2048 + 200);
    await docker('rm', '-f', name);
    const bad = await docker('create', '--log-opt', 'max-size=lots', image, 'true');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/invalid size: 'lots' for log option max-size/);
  });
});
