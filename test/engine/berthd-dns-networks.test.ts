// Names across networks, on berthd (its name server) and on Debian's dockerd (its embedded DNS), driven by the docker
// CLI: c1 on network A, c2 on A and B, c3 on B, c4 on B and A (connected in that order). An asker gets a peer's
// address on the network(s) they share, never its address on a network the asker is not on.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { runDocker } from './docker-cli.js';
import { hasDockerd, startDockerd } from './dockerd-engine.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const run = promisify(execFile);
const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

function scenario(engine: 'berthd' | 'dockerd'): void {
  let dir: string;
  let socket = '';
  let close: () => Promise<void> = async () => undefined;
  const tag = `berth-dnsnet-${engine}-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const [netA, netB] = [`${tag}-a`, `${tag}-b`];
  const [c1, c2, c3, c4] = [1, 2, 3, 4].map((n) => `${tag}-c${n}`) as [string, string, string, string];
  const ips = new Map<string, string>(); // "<container> <network>" -> address
  const docker = (...args: string[]) => runDocker(socket, args);
  const ok = async (...args: string[]): Promise<string> => {
    const r = await docker(...args);
    expect(r.code, `docker ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout.trim();
  };
  /** The IPv4 addresses `asker` gets for `name` (busybox nslookup; the server's own line carries a port). */
  const resolve = async (asker: string, name: string): Promise<string[]> => {
    const r = await docker('exec', asker, 'nslookup', '-type=a', name);
    return [...r.stdout.matchAll(/^Address:\s+(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1] as string).sort();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-dnsnet-'));
    if (engine === 'berthd') {
      const d = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
      socket = d.socket;
      close = () => d.close();
    } else {
      const d = await startDockerd(dir);
      socket = d.socket;
      close = () => d.close();
    }
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    // Asynchronous: berthd runs in this process, so a synchronous child would block it.
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    });
    await ok('network', 'create', netA);
    await ok('network', 'create', netB);
    // Names nobody has go to 127.0.0.1 (nothing listens), never to the host's resolvers.
    const sleeper = ['--dns', '127.0.0.1', image, 'sleep', '300'];
    await ok('run', '-d', '--name', c1, '--network', netA, ...sleeper);
    await ok('create', '--name', c2, '--network', netA, ...sleeper);
    await ok('network', 'connect', netB, c2);
    await ok('start', c2);
    await ok('run', '-d', '--name', c3, '--network', netB, ...sleeper);
    await ok('run', '-d', '--name', c4, '--network', netB, ...sleeper);
    await ok('network', 'connect', netA, c4); // while running, after B
    for (const c of [c1, c2, c3, c4]) {
      const nets = JSON.parse(await ok('inspect', '-f', '{{json .NetworkSettings.Networks}}', c)) as Record<
        string,
        { IPAddress: string }
      >;
      for (const [net, v] of Object.entries(nets)) ips.set(`${c} ${net}`, v.IPAddress);
    }
  }, 120_000);

  afterAll(async () => {
    try {
      if (socket) {
        await docker('rm', '-f', c1, c2, c3, c4);
        await docker('network', 'rm', netA, netB);
        await docker('rmi', image);
      }
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a peer on two networks must resolve, for an asker on one of them, to its address on that one', async () => {
    expect(await resolve(c1, c2)).toEqual([ips.get(`${c2} ${netA}`)]);
    expect(await resolve(c3, c2)).toEqual([ips.get(`${c2} ${netB}`)]);
    expect(await resolve(c1, c4)).toEqual([ips.get(`${c4} ${netA}`)]);
    expect(await resolve(c3, c4)).toEqual([ips.get(`${c4} ${netB}`)]);
  });

  it('an asker on two networks must resolve peers on either, and no peer across a network it is not on', async () => {
    expect(await resolve(c2, c1)).toEqual([ips.get(`${c1} ${netA}`)]);
    expect(await resolve(c2, c3)).toEqual([ips.get(`${c3} ${netB}`)]);
    expect(await resolve(c1, c3)).toEqual([]);
    expect(await resolve(c3, c1)).toEqual([]);
    // A peer sharing both networks: the address on the first network by name (A), on both engines.
    expect(await resolve(c2, c4)).toEqual([ips.get(`${c4} ${netA}`)]);
  });
}

describe.runIf(hasRunc)('names across networks on berthd', () => scenario('berthd'));
describe.runIf(hasRunc && hasDockerd)("names across networks on Debian's dockerd", () => scenario('dockerd'));
