// docker cp through a container's mounts, with the real docker CLI and runc, on berthd and on Debian's dockerd
// side by side: binds and named volumes are seen as in the container, writes to a read-only root or mount are
// refused with dockerd's words. Where berthd does better than dockerd (a running container's tmpfs, a stopped
// container's tmpfs, an archive refused half way), the dockerd run records what dockerd does. One engine, data
// root and set of names per run, all removed afterwards, also when a check fails.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import type { DockerResult } from './docker-cli.js';
import { runDocker } from './docker-cli.js';
import type { Engine } from './dockerd-engine.js';
import { hasDockerd, startDockerd } from './dockerd-engine.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

type Kind = 'berthd' | 'dockerd';

describe.runIf(hasRunc)('docker cp through the mounts of a berthd container', () => scenario('berthd'));
describe.runIf(hasRunc && hasDockerd)("docker cp through the mounts of a container on Debian's dockerd", () =>
  scenario('dockerd'),
);

function scenario(kind: Kind): void {
  let daemon: Engine | undefined;
  let dir: string;
  const onBerthd = kind === 'berthd' ? it : it.skip;
  const onDockerd = kind === 'dockerd' ? it : it.skip;
  const tag = `berth-cpm-${kind}-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const volume = `${tag}-vol`;
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(daemon?.socket ?? '', args);
  const run = async (name: string, ...args: string[]): Promise<void> => {
    const r = await docker(
      'run',
      '-d',
      '--network',
      'none',
      '--name',
      `${tag}-${name}`,
      ...args,
      image,
      'sleep',
      '300',
    );
    expect(r.code, r.stderr).toBe(0);
  };
  const cat = async (name: string, path: string): Promise<string> =>
    (await docker('exec', `${tag}-${name}`, 'cat', path)).stdout;
  const host = (...parts: string[]): string => join(dir, ...parts);
  const put = (name: string, path: string, body: Buffer, query = ''): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = request({
        socketPath: daemon?.socket,
        method: 'PUT',
        path: `/v1.41/containers/${tag}-${name}/archive?path=${encodeURIComponent(path)}&${query}`,
        headers: { 'Content-Type': 'application/x-tar' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-cpm-'));
    for (const d of ['bind', 'ro', 'stopped', 'in', 'out', 'nested']) mkdirSync(host(d));
    writeFileSync(host('bind', 'from-host.txt'), 'written on the host\n');
    writeFileSync(host('ro', 'keep.txt'), 'read-only\n');
    writeFileSync(host('in', 'file.txt'), 'copied in\n');
    mkdirSync(host('in', 'data'));
    writeFileSync(host('in', 'data', 'merged.txt'), 'merged into the bind\n');
    writeFileSync(host('nested', 'inner.txt'), 'nested bind\n');
    daemon =
      kind === 'berthd'
        ? await startBerthd({ root: host('root'), socket: host('run', 'berth.sock') })
        : await startDockerd(dir);
    writeFileSync(host('busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    expect((await docker('load', '-i', host('busybox.tar'))).code).toBe(0);
    await run('bind', '-v', `${host('bind')}:/data`, '-v', `${host('nested')}:/srv/app/nested`);
    await run('vol', '-v', `${volume}:/vol`);
    await run('rootro', '--read-only', '-v', `${host('bind')}:/data`);
    await run('bindro', '-v', `${host('ro')}:/ro:ro`);
    await run('tmpfs', '--tmpfs', '/scratch', '--mount', 'type=tmpfs,dst=/mnt/t2');
    const created = await docker(
      'create',
      '--network',
      'none',
      '--name',
      `${tag}-stopped`,
      '-v',
      `${host('stopped')}:/data`,
      image,
      'true',
    );
    expect(created.code, created.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    try {
      if (daemon) {
        const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await docker('rm', '-f', ...ids);
        await docker('volume', 'rm', '-f', volume, `${volume}-dev`);
      }
    } finally {
      await daemon?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('copying into a bind mount must put the file in the host folder, and out of it must find the host file', async () => {
    const r = await docker('cp', host('in', 'file.txt'), `${tag}-bind:/data/`);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(host('bind', 'file.txt'), 'utf8')).toBe('copied in\n');
    const out = await docker('cp', `${tag}-bind:/data/from-host.txt`, host('out', 'bind.txt'));
    expect(out.code, out.stderr).toBe(0);
    expect(readFileSync(host('out', 'bind.txt'), 'utf8')).toBe('written on the host\n');
  });

  it('a folder copied to "/" must be merged into the bind mounted at its name, on the host', async () => {
    chmodSync(host('in', 'data', 'merged.txt'), 0o640);
    const r = await docker('cp', host('in', 'data'), `${tag}-bind:/`);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(host('bind', 'merged.txt'), 'utf8')).toBe('merged into the bind\n');
    expect(statSync(host('bind', 'merged.txt')).mode & 0o777).toBe(0o640);
    expect(readFileSync(host('bind', 'from-host.txt'), 'utf8')).toBe('written on the host\n');
    expect(await cat('bind', '/data/merged.txt')).toBe('merged into the bind\n');
    // Nothing is left behind in the layer under the mount, nor of the staging folder.
    const under = (await docker('exec', `${tag}-bind`, 'sh', '-c', 'ls -a / /data | grep -c berth-cp')).stdout;
    expect(under.trim()).toBe('0');
  });

  it('a folder copied out must hold the contents of the mounts under it', async () => {
    const r = await docker('cp', `${tag}-bind:/srv/app`, host('out'));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(host('out', 'app', 'nested', 'inner.txt'), 'utf8')).toBe('nested bind\n');
  });

  it("/etc/hosts copied out must be the container's, and a file copied over it must be refused", async () => {
    const out = await docker('cp', `${tag}-bind:/etc/hosts`, host('out', 'hosts'));
    expect(out.code, out.stderr).toBe(0);
    expect(readFileSync(host('out', 'hosts'), 'utf8')).toBe(await cat('bind', '/etc/hosts'));
    writeFileSync(host('in', 'hosts'), '127.0.0.1 replaced\n');
    const r = await docker('cp', host('in', 'hosts'), `${tag}-bind:/etc/`);
    expect(r.code).not.toBe(0);
    expect(await cat('bind', '/etc/hosts')).not.toContain('replaced');
  });

  it('copying into and out of a named volume must reach the volume', async () => {
    const r = await docker('cp', host('in', 'file.txt'), `${tag}-vol:/vol/`);
    expect(r.code, r.stderr).toBe(0);
    const other = await docker('run', '--rm', '--network', 'none', '-v', `${volume}:/v`, image, 'cat', '/v/file.txt');
    expect(other.stdout).toBe('copied in\n');
    const out = await docker('cp', `${tag}-vol:/vol/file.txt`, host('out', 'vol.txt'));
    expect(out.code, out.stderr).toBe(0);
    expect(readFileSync(host('out', 'vol.txt'), 'utf8')).toBe('copied in\n');
  });

  it("copying into a read-only rootfs must be refused with dockerd's message, and a writable mount must not", async () => {
    const r = await docker('cp', host('in', 'file.txt'), `${tag}-rootro:/tmp/`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('container rootfs is marked read-only');
    expect((await docker('exec', `${tag}-rootro`, 'ls', '/tmp/file.txt')).code).not.toBe(0);
    const ok = await docker('cp', host('in', 'file.txt'), `${tag}-rootro:/data/rootro.txt`);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(host('bind', 'rootro.txt'), 'utf8')).toBe('copied in\n');
  });

  it("copying into a read-only bind must be refused with dockerd's message and change nothing on the host", async () => {
    const r = await docker('cp', host('in', 'file.txt'), `${tag}-bindro:/ro/keep.txt`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('mounted volume is marked read-only');
    expect(readdirSync(host('ro'))).toEqual(['keep.txt']);
    expect(readFileSync(host('ro', 'keep.txt'), 'utf8')).toBe('read-only\n');
    const out = await docker('cp', `${tag}-bindro:/ro/keep.txt`, host('out', 'ro.txt'));
    expect(out.code, out.stderr).toBe(0);
    expect(readFileSync(host('out', 'ro.txt'), 'utf8')).toBe('read-only\n');
  });

  onBerthd('copying into a tmpfs of a running container must land in the tmpfs the process sees', async () => {
    for (const dest of ['/scratch/', '/mnt/t2/']) {
      const r = await docker('cp', host('in', 'file.txt'), `${tag}-tmpfs:${dest}`);
      expect(r.code, r.stderr).toBe(0);
      expect(await cat('tmpfs', `${dest}file.txt`)).toBe('copied in\n');
    }
    const made = await docker('exec', `${tag}-tmpfs`, 'sh', '-c', 'echo made inside > /scratch/inside.txt');
    expect(made.code).toBe(0);
    const out = await docker('cp', `${tag}-tmpfs:/scratch/inside.txt`, host('out', 'tmpfs.txt'));
    expect(out.code, out.stderr).toBe(0);
    expect(readFileSync(host('out', 'tmpfs.txt'), 'utf8')).toBe('made inside\n');
  });

  onBerthd('copying into the tmpfs of a stopped container must be refused, not lost under it', async () => {
    const name = `${tag}-tmpfs-stopped`;
    // Run once, so that the mount point exists in its rootfs, as it does for any container that has run.
    expect((await docker('run', '--network', 'none', '--name', name, '--tmpfs', '/scratch', image, 'true')).code).toBe(
      0,
    );
    const r = await docker('cp', host('in', 'file.txt'), `${name}:/scratch/`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('exists only while container');
  });

  it('a stopped container must resolve its bind to the host folder, both ways', async () => {
    const r = await docker('cp', host('in', 'file.txt'), `${tag}-stopped:/data/`);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(host('stopped', 'file.txt'), 'utf8')).toBe('copied in\n');
    writeFileSync(host('stopped', 'back.txt'), 'from the host folder\n');
    const out = await docker('cp', `${tag}-stopped:/data/back.txt`, host('out', 'stopped.txt'));
    expect(out.code, out.stderr).toBe(0);
    expect(readFileSync(host('out', 'stopped.txt'), 'utf8')).toBe('from the host folder\n');
  });

  it('docker cp -a must give the files to the container user, and without -a keep the archive owner', async () => {
    // nobody is 65534:65534 in the image and on the host, where dockerd looks the user up (getent).
    await run('owner', '-u', 'nobody');
    writeFileSync(host('in', 'owned.txt'), 'owned\n');
    chownSync(host('in', 'owned.txt'), 4321, 4322);
    const plain = await docker('cp', host('in', 'owned.txt'), `${tag}-owner:/tmp/plain.txt`);
    expect(plain.code, plain.stderr).toBe(0);
    const archive = await docker('cp', '-a', host('in', 'owned.txt'), `${tag}-owner:/tmp/archive.txt`);
    expect(archive.code, archive.stderr).toBe(0);
    const ids = await docker('exec', `${tag}-owner`, 'ls', '-n', '/tmp/plain.txt', '/tmp/archive.txt');
    const owners = ids.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/\s+/).slice(2, 4).join(':'));
    expect(owners, ids.stderr).toEqual(['65534:65534', '4321:4322']); // ls sorts: archive.txt, plain.txt
  });

  it('a stopped container must reach the data of a device volume (o=bind), mounted for the copy', async () => {
    mkdirSync(host('device'));
    const made = await docker(
      'volume',
      'create',
      ...['--opt', 'type=none', '--opt', 'o=bind'],
      '--opt',
      `device=${host('device')}`,
      `${volume}-dev`,
    );
    expect(made.code, made.stderr).toBe(0);
    const name = `${tag}-device`;
    expect(
      (await docker('create', '--network', 'none', '--name', name, '-v', `${volume}-dev:/dv`, image, 'true')).code,
    ).toBe(0);
    const r = await docker('cp', host('in', 'file.txt'), `${name}:/dv/`);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(host('device', 'file.txt'), 'utf8')).toBe('copied in\n');
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(`${volume}-dev`);
  });

  onBerthd(
    'an archive refused at its last entry ("../x") must leave every file of the container as it was',
    async () => {
      await docker('exec', `${tag}-bind`, 'sh', '-c', 'echo old > /tmp/keep.txt');
      const r = await put(
        'bind',
        '/tmp',
        await tarOf([
          { name: 'keep.txt', body: 'new\n' },
          { name: 'fresh.txt', body: 'x\n' },
          { name: '../x', body: 'x\n' },
        ]),
      );
      expect(r.status).toBe(400);
      expect(r.text).toContain('escapes');
      expect(await cat('bind', '/tmp/keep.txt')).toBe('old\n');
      expect((await docker('exec', `${tag}-bind`, 'ls', '-a', '/tmp')).stdout).not.toMatch(/fresh|\.berth-cp|^x$/m);
    },
  );

  onBerthd('a truncated archive must be refused and leave the bind and the container as they were', async () => {
    const whole = await tarOf([
      { name: 'a.txt', body: 'a\n' },
      { name: 'big.txt', body: 'y'.repeat(4096) },
    ]);
    const r = await put('bind', '/data', whole.subarray(0, 512 * 3 + 100));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(existsSync(host('bind', 'a.txt'))).toBe(false);
    expect(existsSync(host('bind', 'big.txt'))).toBe(false);
    expect(readdirSync(host('bind')).filter((n) => n.startsWith('.berth-cp'))).toEqual([]);
  });

  onBerthd('an archive whose entry would replace a mount point must be refused, leaving the host folder', async () => {
    const r = await put('bind', '/', await tarOf([{ name: 'data', body: 'a file over the mount\n' }]));
    expect(r.status).toBe(400);
    expect(r.text).toContain('mount point');
    expect(readFileSync(host('bind', 'from-host.txt'), 'utf8')).toBe('written on the host\n');
  });

  it('a hard link of the archive must arrive as a link to the file beside it', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'linked/', type: 'directory', mode: 0o755 });
    pack.entry({ name: 'linked/a.txt', mode: 0o644 }, 'same inode\n');
    pack.entry({ name: 'linked/b.txt', type: 'link', linkname: 'linked/a.txt' });
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const r = await put('bind', '/data', Buffer.concat(chunks));
    expect(r.status, r.text).toBe(200);
    expect(statSync(host('bind', 'linked', 'b.txt')).ino).toBe(statSync(host('bind', 'linked', 'a.txt')).ino);
    expect(readFileSync(host('bind', 'linked', 'b.txt'), 'utf8')).toBe('same inode\n');
  });

  onBerthd('a hard link through a symlink of the archive must be refused, never linking a host file', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'sym', type: 'symlink', linkname: '/etc' });
    pack.entry({ name: 'stolen', type: 'link', linkname: 'sym/passwd' });
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const r = await put('bind', '/data', Buffer.concat(chunks));
    expect(r.status).toBe(400);
    expect(r.text).toContain('not a file in the archive');
    expect(existsSync(host('bind', 'stolen'))).toBe(false);
    expect(existsSync(host('bind', 'sym'))).toBe(false);
  });

  onBerthd('an archive refused by noOverwriteDirNonDir must leave the entries before it unwritten', async () => {
    mkdirSync(host('bind', 'a-folder'));
    const body = await tarOf([
      { name: 'first.txt', body: 'first\n' },
      { name: 'a-folder', body: 'not a folder\n' },
    ]);
    const r = await put('bind', '/data', body, 'noOverwriteDirNonDir=true');
    expect(r.status).toBe(400);
    expect(r.text).toContain('cannot overwrite');
    expect(existsSync(host('bind', 'first.txt'))).toBe(false);
    expect(statSync(host('bind', 'a-folder')).isDirectory()).toBe(true);
  });

  it('a --tmpfs of a --read-only container: berthd copies into it, dockerd refuses it as the read-only rootfs', async () => {
    await run('rotmp', '--read-only', '--tmpfs', '/scratch');
    const r = await docker('cp', host('in', 'file.txt'), `${tag}-rotmp:/scratch/`);
    if (kind === 'berthd') {
      expect(r.code, r.stderr).toBe(0);
      expect(await cat('rotmp', '/scratch/file.txt')).toBe('copied in\n');
    } else {
      expect(r.stderr).toContain('container rootfs is marked read-only');
    }
  });

  onDockerd(
    'dockerd says Copied for a tmpfs but writes under it, where the running process cannot see it',
    async () => {
      const r = await docker('cp', host('in', 'file.txt'), `${tag}-tmpfs:/scratch/`);
      expect(r.code, r.stderr).toBe(0);
      expect((await docker('exec', `${tag}-tmpfs`, 'ls', '/scratch/file.txt')).code).not.toBe(0);
    },
  );

  onDockerd('dockerd writes the entries of an archive before the one it refuses', async () => {
    await docker('exec', `${tag}-bind`, 'sh', '-c', 'echo old > /tmp/keep.txt');
    const r = await put(
      'bind',
      '/tmp',
      await tarOf([
        { name: 'keep.txt', body: 'new\n' },
        { name: '../x', body: 'x\n' },
      ]),
    );
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(await cat('bind', '/tmp/keep.txt')).toBe('new\n');
  });
}

async function tarOf(entries: { name: string; body: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, mode: 0o644 }, e.body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
