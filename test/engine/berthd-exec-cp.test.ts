// docker exec and docker cp against berthd, with the real docker CLI (DOCKER_HOST=unix://...) and runc. Each run
// has its own data root, socket and names, and removes what it made, also when a check fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { runDocker } from './docker-cli.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

interface Result {
  stdout: string;
  stderr: string;
  code: number;
}

describe.runIf(hasRunc)('berthd exec and archive with the docker CLI', () => {
  let daemon: Berthd | undefined;
  let dir: string;
  const tag = `berth-exec-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const name = `${tag}-c`;
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, DOCKER_HOST: `unix://${daemon?.socket}` });
  const docker = (...args: string[]): Promise<Result> => runDocker(daemon?.socket ?? '', args);
  /** docker with `input` on stdin. */
  const dockerIn = (input: string, ...args: string[]): Promise<Result> =>
    new Promise((resolve) => {
      const child = spawn('docker', args, { env: env() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
      child.stdin.end(input);
    });
  /** A raw API call over the socket. */
  const api = (method: string, path: string, body?: Buffer): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = request({
        socketPath: daemon?.socket,
        method,
        path,
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
    dir = mkdtempSync(join(tmpdir(), 'berthd-exec-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    expect((await docker('load', '-i', join(dir, 'busybox.tar'))).code).toBe(0);
    const r = await docker('run', '-d', '--name', name, image, 'sleep', '300');
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => {
    try {
      if (daemon) {
        const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await docker('rm', '-f', ...ids);
      }
    } finally {
      await daemon?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('docker exec prints the output of the process', async () => {
    const r = await docker('exec', name, 'echo', 'inside');
    expect(r).toMatchObject({ stdout: 'inside\n', code: 0 });
  });

  it('docker exec passes the exit code through, as exec inspect records it', async () => {
    const r = await docker('exec', name, 'sh', '-c', 'echo err >&2; exit 4');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('err');
  });

  it('docker exec -e sets the environment over the container one', async () => {
    const r = await docker('exec', '-e', 'A=b', name, 'sh', '-c', 'echo $A');
    expect(r.stdout).toBe('b\n');
  });

  it('docker exec -w and -u set the working folder and the user', async () => {
    const r = await docker('exec', '-w', '/etc', '-u', '1000:1000', name, 'sh', '-c', 'pwd; id -u');
    expect(r.stdout).toBe('/etc\n1000\n');
  });

  it('docker exec -t runs the process on a terminal', async () => {
    const r = await docker('exec', '-t', name, 'sh', '-c', '[ -t 1 ] && echo tty');
    expect(r).toMatchObject({ stdout: 'tty\r\n', code: 0 });
  });

  it('docker exec -i gives the process the piped stdin', async () => {
    const r = await dockerIn('one\ntwo\n', 'exec', '-i', name, 'cat');
    expect(r).toMatchObject({ stdout: 'one\ntwo\n', code: 0 });
  });

  it("an upgraded exec start whose body comes in a later packet must not pass that body to the process's stdin", async () => {
    const created = await new Promise<string>((resolve, reject) => {
      const req = request({
        socketPath: daemon?.socket,
        method: 'POST',
        path: `/containers/${name}/exec`,
        headers: { 'Content-Type': 'application/json' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve((JSON.parse(text) as { Id: string }).Id));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ AttachStdin: true, AttachStdout: true, AttachStderr: true, Cmd: ['cat'] }));
    });
    const body = JSON.stringify({ Detach: false, Tty: false });
    const out = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(daemon?.socket ?? '');
      const chunks: Buffer[] = [];
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
      // The headers, then (as a loaded client may send them) the body and the input in packets of their own.
      socket.write(
        `POST /v1.41/exec/${created}/start HTTP/1.1\r\nHost: berthd\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      );
      setTimeout(() => socket.write(body), 100);
      setTimeout(() => socket.end('one\n'), 200);
    });
    const text = out.toString('latin1');
    expect(text).toMatch(/^HTTP\/1.1 101 /);
    // stdout frames of the multiplexed stream: header (stream 1, size) then the bytes cat echoed
    const payload = out.subarray(text.indexOf('\r\n\r\n') + 4);
    expect(payload.subarray(8).toString()).toBe('one\n');
    expect(payload[0]).toBe(1);
  });

  it('docker exec -d runs the process in the background', async () => {
    const r = await docker('exec', '-d', name, 'sh', '-c', 'echo detached > /tmp/detached');
    expect(r.code, r.stderr).toBe(0);
    let out = '';
    for (let i = 0; i < 50 && out === ''; i++) {
      out = (await docker('exec', name, 'cat', '/tmp/detached')).stdout;
      if (out === '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(out).toBe('detached\n');
  });

  it('docker exec on a stopped container fails with "is not running"', async () => {
    const stopped = `${tag}-stopped`;
    await docker('create', '--name', stopped, image, 'true');
    const r = await docker('exec', stopped, 'true');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/is not running/);
    await docker('rm', stopped);
  });

  it('docker cp copies a host file into a running container', async () => {
    writeFileSync(join(dir, 'hello.txt'), 'hello from the host\n');
    const cp = await docker('cp', join(dir, 'hello.txt'), `${name}:/tmp/`);
    expect(cp.code, cp.stderr).toBe(0);
    expect((await docker('exec', name, 'cat', '/tmp/hello.txt')).stdout).toBe('hello from the host\n');
  });

  it('docker cp copies a container file out, as a tar on stdout and into a host folder', async () => {
    const out = await new Promise<Buffer>((resolve) => {
      const child = spawn('docker', ['cp', `${name}:/etc/passwd`, '-'], { env: env() });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => chunks.push(d));
      child.on('close', () => resolve(Buffer.concat(chunks)));
    });
    const entries = await readTar(out);
    expect([...entries.keys()]).toEqual(['passwd']);
    expect(entries.get('passwd')).toContain('root:');
    const dest = join(dir, 'out');
    mkdirSync(dest);
    const r = await docker('cp', `${name}:/etc/passwd`, dest);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dest, 'passwd'), 'utf8')).toContain('root:');
  });

  it('docker cp out of a stopped container mounts its rootfs', async () => {
    const stopped = `${tag}-cp-stopped`;
    await docker('create', '--name', stopped, image, 'true');
    const dest = join(dir, 'out-stopped');
    mkdirSync(dest);
    const r = await docker('cp', `${stopped}:/etc/passwd`, dest);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dest, 'passwd'))).toBe(true);
    await docker('rm', stopped);
  });

  it('an archive with ../escape is refused with 400 and writes nothing outside the container', async () => {
    const pack = tar.pack();
    pack.entry({ name: '../escape', mode: 0o644 }, 'escaped\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const r = await api('PUT', `/v1.41/containers/${name}/archive?path=/tmp`, Buffer.concat(chunks));
    expect(r.status).toBe(400);
    expect(r.text).toContain('escapes');
    const id = (await docker('inspect', '--format', '{{.Id}}', name)).stdout.trim();
    const containerDir = join(daemon?.root ?? '', 'containers', id);
    expect(existsSync(join(containerDir, 'rootfs', 'escape'))).toBe(false);
    expect(existsSync(join(containerDir, 'escape'))).toBe(false);
    expect((await docker('exec', name, 'ls', '/escape')).code).not.toBe(0);
  });

  it('a symlink in the container cannot lead an archive read or write to the host', async () => {
    writeFileSync(join(dir, 'host-only.txt'), 'on the host\n');
    expect((await docker('exec', name, 'busybox', 'ln', '-s', '/', '/tmp/up')).code).toBe(0);
    expect((await docker('exec', name, 'busybox', 'ln', '-s', '../../../../../../..', '/tmp/rel')).code).toBe(0);
    // `..` stops at the container's root, as in a chroot: the container's passwd is found, the host's file is not.
    expect((await api('HEAD', `/v1.41/containers/${name}/archive?path=/tmp/rel/etc/passwd`)).status).toBe(200);
    const host = await api('GET', `/v1.41/containers/${name}/archive?path=/tmp/rel/${dir.slice(1)}/host-only.txt`);
    expect(host.status).toBe(404);
    const pack = tar.pack();
    pack.entry({ name: 'up/pwned', mode: 0o644 }, 'x\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const r = await api('PUT', `/v1.41/containers/${name}/archive?path=/tmp`, Buffer.concat(chunks));
    expect(r.status).toBe(400);
    expect(existsSync('/pwned')).toBe(false);
  });
});

async function readTar(data: Buffer): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const extract = tar.extract();
  extract.end(data);
  for await (const raw of extract) {
    const entry = raw as unknown as AsyncIterable<Buffer> & { header: { name: string } };
    let text = '';
    for await (const chunk of entry) text += chunk.toString();
    entries.set(entry.header.name, text);
  }
  return entries;
}
