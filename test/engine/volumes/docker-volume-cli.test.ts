// `docker volume ...` against berthd: create (with labels and local-driver options), ls with filters, inspect,
// rm (refused while in use), prune, the volume events, and persistence across a berthd restart.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxImage } from '../fixtures/busybox-image.js';
import type { Harness } from './harness.js';
import { hasRuncAndDocker, loadImage, startHarness } from './harness.js';

interface VolumeJson {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: string;
  CreatedAt: string;
}

describe.runIf(hasRuncAndDocker)('docker volume commands against berthd', () => {
  let h: Harness;
  const p = `bv${process.pid}`;
  const image = `${p}/busybox:1`;
  const inspect = async (name: string): Promise<VolumeJson> =>
    (JSON.parse((await h.docker('volume', 'inspect', name)).stdout) as VolumeJson[])[0] as VolumeJson;
  const ls = async (...filters: string[]): Promise<string[]> =>
    (await h.docker('volume', 'ls', '-q', ...filters.flatMap((f) => ['--filter', f]))).stdout
      .split('\n')
      .filter((n) => n.startsWith(p));

  beforeAll(async () => {
    h = await startHarness('berthd-volumes');
    await loadImage(h, await makeBusyboxImage({ tags: [image] }));
  });

  afterAll(async () => {
    await h?.cleanup();
  });

  it('create, inspect, ls with name/label/dangling/driver filters, rm', async () => {
    const a = `${p}-a`;
    const b = `${p}-b`;
    expect((await h.docker('volume', 'create', '--label', 'tier=db', '--label', 'x', a)).stdout.trim()).toBe(a);
    expect((await h.docker('volume', 'create', b)).code).toBe(0);
    const v = await inspect(a);
    expect(v).toMatchObject({ Name: a, Driver: 'local', Scope: 'local', Labels: { tier: 'db', x: '' } });
    expect(v.Mountpoint).toBe(join(h.daemon.root, 'volumes', a, '_data'));
    expect(v.CreatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await ls()).toEqual(expect.arrayContaining([a, b]));
    expect(await ls('label=tier=db')).toEqual([a]);
    expect(await ls('label=x')).toEqual([a]);
    expect(await ls(`name=${p}-b`)).toEqual([b]);
    expect(await ls('driver=local', `name=${p}`)).toEqual(expect.arrayContaining([a, b]));
    await h.docker('run', '--name', `${p}-user`, '-v', `${a}:/data`, image, 'true');
    expect(await ls('dangling=true')).toEqual([b]);
    expect(await ls('dangling=false')).toEqual([a]);
    expect((await h.docker('volume', 'ls', '--filter', 'bogus=1')).stderr).toContain("invalid filter 'bogus'");
    await h.docker('rm', `${p}-user`);
    expect((await h.docker('volume', 'rm', a, b)).code).toBe(0);
    expect(await ls()).toEqual([]);
    expect(readdirSync(join(h.daemon.root, 'volumes')).filter((n) => n.startsWith(p))).toEqual([]);
  });

  it('create of an existing name returns it unchanged; an empty name gets 64 hex digits', async () => {
    const name = `${p}-again`;
    await h.docker('volume', 'create', '--label', 'first=1', name);
    expect((await h.docker('volume', 'create', '--label', 'second=1', name)).code).toBe(0);
    expect((await inspect(name)).Labels).toEqual({ first: '1' });
    const generated = (await h.docker('volume', 'create')).stdout.trim();
    expect(generated).toMatch(/^[0-9a-f]{64}$/);
    await h.docker('volume', 'rm', name, generated);
  });

  it('bad names, unknown drivers and unknown options are refused with a clear 400', async () => {
    const bad = await h.docker('volume', 'create', '../escape');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('includes invalid characters for a local volume name');
    const driver = await h.docker('volume', 'create', '-d', 'nfs-plugin', `${p}-drv`);
    expect(driver.stderr).toContain('error looking up volume plugin nfs-plugin');
    const opt = await h.docker('volume', 'create', '-o', 'colour=red', `${p}-opt`);
    expect(opt.stderr).toContain('invalid option key: "colour"');
    expect(await ls()).toEqual([]);
  });

  it("docker volume rm of a volume a container uses fails with Docker's message, running or not", async () => {
    const name = `${p}-busy`;
    const id = (await h.docker('run', '-d', '-v', `${name}:/data`, image, 'sleep', '60')).stdout.trim();
    const running = await h.docker('volume', 'rm', name);
    expect(running.code).not.toBe(0);
    expect(running.stderr).toContain(`remove ${name}: volume is in use - [${id}]`);
    await h.docker('kill', id);
    const stopped = await h.docker('volume', 'rm', '-f', name);
    expect(stopped.stderr).toContain('volume is in use');
    await h.docker('rm', id);
    expect((await h.docker('volume', 'rm', name)).code).toBe(0);
    expect((await h.docker('volume', 'rm', name)).stderr).toContain('no such volume');
    expect((await h.docker('volume', 'rm', '-f', name)).code).toBe(0);
  });

  it('prune removes the unused volumes the label filter keeps and reports the space', async () => {
    const [keep, drop, used] = [`${p}-keep`, `${p}-drop`, `${p}-used`];
    await h.docker('volume', 'create', '--label', 'keep=1', keep);
    await h.docker('volume', 'create', drop);
    await h.docker(
      'run',
      '--name',
      `${p}-pruner`,
      '-v',
      `${drop}:/d`,
      '-v',
      `${used}:/u`,
      image,
      'sh',
      '-c',
      'echo 12345 > /d/f',
    );
    await h.docker('rm', `${p}-pruner`);
    await h.docker('create', '--name', `${p}-holder`, '-v', `${used}:/u`, image, 'true');
    const r = await h.docker('volume', 'prune', '-f', '--filter', 'label!=keep');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(drop);
    expect(r.stdout).not.toContain(keep);
    expect(await ls()).toEqual(expect.arrayContaining([keep, used]));
    expect(await ls()).not.toContain(drop);
    await h.docker('rm', `${p}-holder`);
    await h.docker('volume', 'rm', keep, used);
  });

  it('local-driver options: a tmpfs volume is mounted while used and a bind volume shows the host folder', async () => {
    const tmp = `${p}-tmpfs`;
    await h.docker('volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=2m', tmp);
    expect((await inspect(tmp)).Options).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'size=2m' });
    const mounts = (await h.docker('run', '--rm', '-v', `${tmp}:/t`, image, 'cat', '/proc/mounts')).stdout;
    expect(mounts).toMatch(/tmpfs \/t tmpfs \S*size=2048k/);
    const host = join(h.dir, 'bind-volume');
    await h.docker('run', '--rm', '-v', `${host}:/h`, image, 'sh', '-c', 'echo from-host > /h/f');
    const bind = `${p}-bind`;
    await h.docker('volume', 'create', '-o', 'type=none', '-o', 'o=bind', '-o', `device=${host}`, bind);
    const r = await h.docker('run', '--rm', '-v', `${bind}:/b`, image, 'sh', '-c', 'cat /b/f; echo more > /b/g');
    expect(r.stdout).toBe('from-host\n');
    expect(readFileSync(join(host, 'g'), 'utf8')).toBe('more\n');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the die event unmounts
    expect(h.mountsUnderDir()).toEqual([]);
    expect((await h.docker('volume', 'rm', tmp, bind)).code).toBe(0);
    expect(readFileSync(join(host, 'f'), 'utf8')).toBe('from-host\n'); // removing the volume kept the host's data
  });

  it('emits volume create, mount, unmount and destroy events', async () => {
    const name = `${p}-events`;
    const since = String(Math.floor(Date.now() / 1000) - 1);
    await h.docker('run', '--rm', '-v', `${name}:/e`, image, 'true');
    await h.docker('volume', 'rm', name);
    const until = String(Math.ceil(Date.now() / 1000) + 1);
    const r = await h.docker(
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      'type=volume',
      '--format',
      '{{json .}}',
    );
    const actions = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { Action: string; Actor: { ID: string } })
      .filter((e) => e.Actor.ID === name)
      .map((e) => e.Action);
    expect(actions).toEqual(['create', 'mount', 'unmount', 'destroy']);
  });

  it('a named volume and its data survive a berthd restart', async () => {
    const name = `${p}-durable`;
    await h.docker('volume', 'create', '--label', 'd=1', name);
    await h.docker('run', '--rm', '-v', `${name}:/data`, image, 'sh', '-c', 'echo kept > /data/file');
    await h.restart();
    expect((await inspect(name)).Labels).toEqual({ d: '1' });
    const r = await h.docker('run', '--rm', '-v', `${name}:/data`, image, 'cat', '/data/file');
    expect(r.stdout).toBe('kept\n');
    await h.docker('volume', 'rm', name);
  });
});
