// kill -9 of berthd in the middle of a pull, then a re-pull: the blobs that were verified before the kill are not
// downloaded again (the registry's access log counts the GETs), and nothing of the cut pull was tagged. A small
// HTTP-aware proxy between berthd and the registry holds back the last layer, so the kill lands mid-pull every time.
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingEngine } from '../../../src/client/endpoint.js';
import { runDocker } from '../docker-cli.js';
import { makeBusyboxSaveTar } from '../fixtures/busybox-image.js';
import { startRegistry, type TestRegistry } from './registry-server.js';

const bin = join(import.meta.dirname, '../../../bin/berthd.js');
const built = existsSync(join(import.meta.dirname, '../../../dist/engine/daemon/main.js'));
const hasTools =
  spawnSync('docker-registry', ['--version']).status === 0 && spawnSync('runc', ['--version']).status === 0;

/** Forwards to `port`; a request whose first line contains `hold` gets no answer while hold is set. */
function holdingProxy(port: number): {
  server: Server;
  hold: { text?: string };
  held: Socket[];
  ready: Promise<number>;
} {
  const hold: { text?: string } = {};
  const held: Socket[] = [];
  const server = createServer((client) => {
    let head = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      head = Buffer.concat([head, d]);
      const tls = head[0] === 0x16; // berthd tries HTTPS first: forward the handshake as it is
      if (!tls && !head.includes('\r\n\r\n')) return;
      client.off('data', onData);
      client.pause(); // what arrives before the upstream connects must wait, not be dropped
      const firstLine = head.toString('latin1').split('\r\n')[0] ?? '';
      if (!tls && hold.text !== undefined && firstLine.includes(hold.text)) {
        held.push(client);
        return;
      }
      const upstream = connect(port, '127.0.0.1', () => {
        upstream.write(head);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  const ready = new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  return { server, hold, held, ready };
}

describe.runIf(built && hasTools)('a pull cut by kill -9 of berthd', () => {
  let dir: string;
  let daemon: ChildProcess | undefined;
  let registry: TestRegistry;
  let proxy: ReturnType<typeof holdingProxy>;
  let host: string;
  const root = (): string => join(dir, 'root');
  const socket = (): string => join(dir, 'run', 'berth.sock');
  const docker = (...args: string[]) =>
    runDocker(socket(), args, 60_000).then((r) => ({ ...r, out: r.stdout + r.stderr }));

  const startDaemon = async (): Promise<void> => {
    daemon = spawn(process.execPath, [bin], {
      env: { ...process.env, BERTH_ROOT: root(), BERTH_SOCKET: socket(), BERTH_CONFIG: join(dir, 'etc') },
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !(await pingEngine(socket(), 200)); i++) await new Promise((r) => setTimeout(r, 100));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-registry-crash-'));
    process.env.DOCKER_CONFIG = join(dir, 'docker-config');
    mkdirSync(process.env.DOCKER_CONFIG);
    registry = await startRegistry(join(dir, 'registry'));
    proxy = holdingProxy(registry.port);
    host = `127.0.0.1:${await proxy.ready}`;
    await startDaemon();
  }, 60_000);

  afterAll(async () => {
    if (daemon?.exitCode === null) {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon?.once('exit', r));
    }
    for (const s of proxy?.held ?? []) s.destroy();
    await new Promise((r) => proxy?.server.close(r));
    await registry?.stop();
    delete process.env.DOCKER_CONFIG;
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the verified blobs and does not download them again', async () => {
    const ref = `${host}/berth/big:1`;
    const layers = [0, 1, 2].map((i) => [{ name: `random-${i}`, content: randomBytes(4 << 20) }]);
    writeFileSync(join(dir, 'big.tar'), await makeBusyboxSaveTar({ tags: [ref], extraLayers: layers }));
    expect((await docker('load', '-i', join(dir, 'big.tar'))).code).toBe(0);
    const push = await docker('push', ref);
    expect(push.code, push.out).toBe(0);
    expect((await docker('rmi', ref)).code).toBe(0);
    const manifest = (await (
      await fetch(`http://${registry.host}/v2/berth/big/manifests/1`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
    ).json()) as { config: { digest: string }; layers: Array<{ digest: string }> };
    const digests = manifest.layers.map((l) => l.digest);
    const last = digests[digests.length - 1] as string;
    const finished = [manifest.config.digest, ...digests.slice(0, -1)];
    const blobFile = (d: string): string => join(root(), 'content/blobs/sha256', d.slice(7));
    for (const d of [...finished, last]) expect(existsSync(blobFile(d))).toBe(false);

    proxy.hold.text = last;
    const pulling = docker('pull', ref);
    for (let i = 0; i < 300 && !finished.every((d) => existsSync(blobFile(d))); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(finished.every((d) => existsSync(blobFile(d)))).toBe(true);
    for (let i = 0; i < 100 && proxy.held.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(
      proxy.held.length,
      registry
        .log()
        .split('\n')
        .filter((l) => l.includes('GET'))
        .join('\n'),
    ).toBe(1); // the last layer is being fetched, and held
    daemon?.kill('SIGKILL');
    await new Promise((r) => daemon?.once('exit', r));
    expect((await pulling).code).not.toBe(0);
    for (const s of proxy.held.splice(0)) s.destroy();
    proxy.hold.text = undefined;

    await startDaemon();
    expect((await docker('image', 'inspect', ref)).code).not.toBe(0); // nothing of the cut pull is tagged
    for (const d of finished) expect(existsSync(blobFile(d)), d).toBe(true); // kept across the restart
    const again = await docker('pull', ref);
    expect(again.code, again.out).toBe(0);
    expect((await docker('run', '--rm', ref, 'ls', '/random-2')).stdout.trim()).toBe('/random-2');
    const gets = (d: string): number =>
      registry
        .log()
        .split('\n')
        .filter((l) => l.includes(`"GET /v2/berth/big/blobs/${d}`)).length;
    for (const d of finished) expect(gets(d), d).toBe(1);
    expect(gets(last)).toBe(1); // the held request never reached the registry; the re-pull fetched it once
  }, 180_000);
});
