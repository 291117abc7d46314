// Containers with volumes, binds and tmpfs mounts on berthd, driven by the docker CLI: what a container sees,
// what stays on the host, copy-up from the image, --volumes-from, docker rm -v, inspect's Mounts, and that a
// symlink in the image cannot lead a copy-up or a mount outside the container's rootfs.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { hasRuncAndDocker, loadImage, makeVolumeImage, startHarness } from './harness.js';

interface MountJson {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

describe.runIf(hasRuncAndDocker)('container mounts on berthd', () => {
  let h: Harness;
  let canary: string;
  const p = `bm${process.pid}`;
  const image = `${p}/vol:1`;
  const mountsOf = async (name: string): Promise<MountJson[]> =>
    JSON.parse((await h.docker('inspect', '--format', '{{json .Mounts}}', name)).stdout) as MountJson[];
  const dataOf = (volume: string): string => join(h.daemon.root, 'volumes', volume, '_data');

  beforeAll(async () => {
    h = await startHarness('berthd-mounts');
    canary = join(h.dir, 'canary');
    mkdirSync(join(canary, 'inner'), { recursive: true });
    mkdirSync(join(canary, 'other'), { recursive: true });
    writeFileSync(join(canary, 'inner', 'secret.txt'), 'host secret\n');
    writeFileSync(join(canary, 'other', 'secret.txt'), 'host secret\n');
    const layer = [
      { name: 'seed/', type: 'directory' as const, mode: 0o750, uid: 1000, gid: 1000 },
      { name: 'seed/a.txt', content: 'seed\n', mode: 0o640, uid: 1000, gid: 1000 },
      { name: 'seed/link', type: 'symlink' as const, linkname: 'a.txt' },
      { name: 'seed/sub/', type: 'directory' as const },
      { name: 'seed/sub/b.txt', content: 'b\n' },
      { name: 'declared/', type: 'directory' as const },
      { name: 'declared/x.txt', content: 'declared\n' },
      // Symlinks that would reach the host if a path were resolved on the host rather than in the rootfs.
      { name: 'escape', type: 'symlink' as const, linkname: canary },
      { name: 'up', type: 'symlink' as const, linkname: `../../../../../../../../../..${canary}` },
    ];
    await loadImage(h, await makeVolumeImage({ tag: image, layers: [layer], volumes: ['/declared'] }));
  });

  afterAll(async () => {
    await h?.cleanup();
    expect(h.mountsUnderDir()).toEqual([]);
  });

  it('data written to a named volume is there after docker rm, in a new container', async () => {
    const vol = `${p}-data`;
    await h.docker('run', '--name', `${p}-w`, '-v', `${vol}:/data`, image, 'sh', '-c', 'echo persisted > /data/f');
    expect((await h.docker('rm', `${p}-w`)).code).toBe(0);
    const r = await h.docker('run', '--rm', '--mount', `type=volume,src=${vol},dst=/other`, image, 'cat', '/other/f');
    expect(r.stdout).toBe('persisted\n');
    expect(readFileSync(join(dataOf(vol), 'f'), 'utf8')).toBe('persisted\n');
    await h.docker('volume', 'rm', vol);
  });

  it('-v /hostdir:/x:ro is read-only inside; a missing host folder of -v is created', async () => {
    const host = join(h.dir, 'ro-src');
    mkdirSync(host);
    writeFileSync(join(host, 'in.txt'), 'from host\n');
    const r = await h.docker('run', '--rm', '-v', `${host}:/x:ro`, image, 'sh', '-c', 'cat /x/in.txt; touch /x/new');
    expect(r.stdout).toBe('from host\n');
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(r.code).not.toBe(0);
    expect(existsSync(join(host, 'new'))).toBe(false);
    const made = join(h.dir, 'made', 'deep');
    await h.docker('run', '--rm', '-v', `${made}:/m`, image, 'sh', '-c', 'echo w > /m/w');
    expect(readFileSync(join(made, 'w'), 'utf8')).toBe('w\n');
  });

  it("--mount type=bind with a missing source fails with Docker's message", async () => {
    const missing = join(h.dir, 'no-such-dir');
    const r = await h.docker('run', '--rm', '--mount', `type=bind,src=${missing},dst=/m`, image, 'true');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`invalid mount config for type "bind": bind source path does not exist: ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it('--mount type=tmpfs,destination=/t,tmpfs-size=1m is a tmpfs of that size', async () => {
    const r = await h.docker(
      'run',
      '--rm',
      '--mount',
      'type=tmpfs,destination=/t,tmpfs-size=1m',
      image,
      'cat',
      '/proc/mounts',
    );
    const line = r.stdout.split('\n').find((l) => l.split(' ')[1] === '/t');
    expect(line).toMatch(/^tmpfs \/t tmpfs \S*size=1024k/);
  });

  it("--volumes-from gives the other container's volumes, read-only with :ro", async () => {
    const vol = `${p}-shared`;
    await h.docker('create', '--name', `${p}-src`, '-v', `${vol}:/shared`, '-v', '/anon', image, 'true');
    await h.docker('run', '--rm', '-v', `${vol}:/w`, image, 'sh', '-c', 'echo shared > /w/f');
    const r = await h.docker(
      'run',
      '--rm',
      '--volumes-from',
      `${p}-src:ro`,
      image,
      'sh',
      '-c',
      'cat /shared/f; ls -d /anon; touch /shared/g',
    );
    expect(r.stdout).toBe('shared\n/anon\n');
    expect(r.stderr).toMatch(/Read-only file system/);
    const rw = await h.docker('run', '--rm', '--volumes-from', `${p}-src`, image, 'touch', '/shared/g');
    expect(rw.code).toBe(0);
    await h.docker('rm', '-v', `${p}-src`);
    await h.docker('volume', 'rm', vol);
  });

  it('a new named volume is filled from the image with owners, modes and symlinks; not with volume-nocopy', async () => {
    const vol = `${p}-copy`;
    const r = await h.docker('run', '--rm', '-v', `${vol}:/seed`, image, 'cat', '/seed/link', '/seed/sub/b.txt');
    expect(r.stdout).toBe('seed\nb\n');
    const root = statSync(dataOf(vol));
    expect([root.uid, root.gid, root.mode & 0o7777]).toEqual([1000, 1000, 0o750]);
    const file = statSync(join(dataOf(vol), 'a.txt'));
    expect([file.uid, file.gid, file.mode & 0o7777]).toEqual([1000, 1000, 0o640]);
    expect(lstatSync(join(dataOf(vol), 'link')).isSymbolicLink()).toBe(true);
    // Not empty any more: a second mount does not copy again over what the container changed.
    await h.docker('run', '--rm', '-v', `${vol}:/seed`, image, 'rm', '/seed/a.txt');
    await h.docker('run', '--rm', '-v', `${vol}:/seed`, image, 'true');
    expect(existsSync(join(dataOf(vol), 'a.txt'))).toBe(false);
    const nocopy = `${p}-nocopy`;
    const n = await h.docker(
      'run',
      '--rm',
      '--mount',
      `type=volume,src=${nocopy},dst=/seed,volume-nocopy`,
      image,
      'ls',
      '-A',
      '/seed',
    );
    expect(n.stdout).toBe('');
    expect(readdirSync(dataOf(nocopy))).toEqual([]);
    await h.docker('volume', 'rm', vol, nocopy);
  });

  it('docker rm -v removes an anonymous volume and keeps a named one', async () => {
    const named = `${p}-kept`;
    await h.docker('create', '--name', `${p}-rmv`, '-v', '/anon', '-v', `${named}:/named`, image, 'true');
    const mounts = await mountsOf(`${p}-rmv`);
    const anon = mounts.find((m) => m.Destination === '/anon')?.Name ?? '';
    expect(anon).toMatch(/^[0-9a-f]{64}$/);
    const labels = JSON.parse(
      (await h.docker('volume', 'inspect', '--format', '{{json .Labels}}', anon)).stdout,
    ) as object;
    expect(labels).toEqual({ 'com.docker.volume.anonymous': '' });
    expect((await h.docker('rm', '-v', `${p}-rmv`)).code).toBe(0);
    expect((await h.docker('volume', 'inspect', anon)).code).not.toBe(0);
    expect((await h.docker('volume', 'inspect', named)).code).toBe(0);
    await h.docker('volume', 'rm', named);
  });

  it('an image VOLUME gets an anonymous volume with the image content, removed with --rm', async () => {
    const before = (await h.docker('volume', 'ls', '-q')).stdout;
    const r = await h.docker('run', '--rm', image, 'cat', '/declared/x.txt');
    expect(r.stdout).toBe('declared\n');
    expect((await h.docker('volume', 'ls', '-q')).stdout).toBe(before);
    await h.docker('create', '--name', `${p}-decl`, image, 'true');
    const [m] = await mountsOf(`${p}-decl`);
    expect(m).toMatchObject({ Type: 'volume', Destination: '/declared', Driver: 'local', Mode: '', RW: true });
    await h.docker('rm', '-v', `${p}-decl`);
  });

  it('inspect shows Mounts as Docker does', async () => {
    const host = join(h.dir, 'inspect-src');
    mkdirSync(host);
    const vol = `${p}-insp`;
    await h.docker(
      'create',
      '--name',
      `${p}-insp`,
      '-v',
      `${vol}:/v`,
      '-v',
      `${host}:/b:ro`,
      '--mount',
      'type=tmpfs,dst=/t',
      image,
      'true',
    );
    const byDest = Object.fromEntries((await mountsOf(`${p}-insp`)).map((m) => [m.Destination, m]));
    expect(byDest['/v']).toEqual({
      Type: 'volume',
      Name: vol,
      Source: dataOf(vol),
      Destination: '/v',
      Driver: 'local',
      Mode: 'z',
      RW: true,
      Propagation: '',
    });
    expect(byDest['/b']).toEqual({
      Type: 'bind',
      Source: host,
      Destination: '/b',
      Mode: 'ro',
      RW: false,
      Propagation: 'rprivate',
    });
    expect(byDest['/t']).toEqual({ Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '' });
    await h.docker('rm', `${p}-insp`);
    await h.docker('volume', 'rm', vol);
  });

  it("a symlink at the mount target's parent pointing outside the rootfs leads neither copy-up nor the mount outside", async () => {
    const esc = `${p}-esc`;
    const r = await h.docker(
      'run',
      '--rm',
      '-v',
      `${esc}:/escape/inner`,
      '--mount',
      `type=volume,src=${esc}-up,dst=/up/other`,
      '-v',
      `${join(h.dir, 'bsrc')}:/escape/b`,
      image,
      'sh',
      '-c',
      'ls -A /escape/inner; echo pwned > /escape/inner/new; ls -A /up/other; echo up > /up/other/u',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(''); // the host's secret.txt was not copied in
    expect(readdirSync(dataOf(esc))).toEqual(['new']);
    expect(readdirSync(dataOf(`${esc}-up`))).toEqual(['u']);
    expect(readdirSync(canary).sort()).toEqual(['inner', 'other']);
    expect(readdirSync(join(canary, 'other'))).toEqual(['secret.txt']);
    expect(readdirSync(join(canary, 'inner'))).toEqual(['secret.txt']);
    expect(h.mountsUnderDir().filter((m) => m.startsWith(canary))).toEqual([]);
    await h.docker('volume', 'rm', esc, `${esc}-up`);
  });

  it("Docker's errors for bad mount specifications", async () => {
    const dup = await h.docker('run', '--rm', '-v', `${p}-d1:/same`, '-v', `${p}-d2:/same`, image, 'true');
    expect(dup.stderr).toContain('Duplicate mount point: /same');
    const rel = await h.docker('run', '--rm', '--mount', 'type=volume,src=../x,dst=/x', image, 'true');
    expect(rel.stderr).toContain('includes invalid characters for a local volume name');
    const from = await h.docker('run', '--rm', '--volumes-from', `${p}-nobody`, image, 'true');
    expect(from.stderr).toContain(`No such container: ${p}-nobody`);
    expect((await h.docker('volume', 'ls', '-q', '--filter', `name=${p}-d`)).stdout).toBe('');
  });
});
