// Names keep answering while a network changes: a container looks a peer up every 50 ms while other containers
// join and leave the same network, one after another. A lookup failed now and then at such a moment, which is how
// the showcase's Laravel got "getaddrinfo for db failed: Temporary failure in name resolution" right after `up`:
// the bridge took the lowest address of its ports, so the gateway's link address changed as containers joined and
// left, and a container's packets to it (its DNS questions) were lost until its ARP entry was renewed.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { runDocker } from './docker-cli.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const run = promisify(execFile);
/** The link address of the host's interface that has `ip` (the network's bridge). */
function bridgeMac(ip: string): string {
  const links = JSON.parse(spawnSync('ip', ['-j', 'addr', 'show']).stdout.toString()) as {
    address: string;
    addr_info: { local: string }[];
  }[];
  return links.find((l) => l.addr_info.some((a) => a.local === ip))?.address ?? 'none';
}

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

describe.runIf(hasRunc)('names while the network changes', () => {
  let dir: string;
  let socket = '';
  let close: () => Promise<void> = async () => undefined;
  const tag = `berth-dnschurn-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const net = `${tag}-n`;
  const [db, asker] = [`${tag}-db`, `${tag}-asker`];
  const ROUNDS = 25;
  const docker = (...args: string[]) => runDocker(socket, args);
  const ok = async (...args: string[]): Promise<string> => {
    const r = await docker(...args);
    expect(r.code, `docker ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-dnschurn-'));
    const d = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    socket = d.socket;
    close = () => d.close();
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    });
    await ok('network', 'create', net);
  }, 120_000);

  afterAll(async () => {
    try {
      if (socket) {
        const churned = Array.from({ length: ROUNDS }, (_, i) => `${tag}-x${i}`);
        await docker('rm', '-f', db, asker, ...churned);
        await docker('network', 'rm', net);
        await docker('rmi', image);
      }
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a container looking a peer up in a loop gets every answer while others join and leave', async () => {
    // Names nobody has would go to 127.0.0.1 (nothing listens), never to the host's resolvers.
    const sleeper = ['--network', net, '--dns', '127.0.0.1', image, 'sleep', '600'];
    await ok('run', '-d', '--name', db, ...sleeper);
    const loop = `while true; do if o=$(nslookup -type=a ${db} 2>&1); then echo ok; else echo FAIL $o; fi; sleep 0.05; done`;
    await ok('run', '-d', '--name', asker, '--network', net, '--dns', '127.0.0.1', image, 'sh', '-c', loop);
    const gateway = await ok('network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Gateway}}{{end}}', net);
    const macs = new Set([bridgeMac(gateway)]);
    for (let i = 0; i < ROUNDS; i++) {
      // A published port too, as the showcase's web has: netavark's setup is then at its longest.
      await ok('run', '-d', '--name', `${tag}-x${i}`, '-p', '127.0.0.1:0:80', ...sleeper);
      macs.add(bridgeMac(gateway));
      await new Promise((r) => setTimeout(r, 300));
      await ok('rm', '-f', `${tag}-x${i}`);
      macs.add(bridgeMac(gateway));
      await new Promise((r) => setTimeout(r, 300));
    }
    // The gateway keeps its address as ports come and go: the containers' ARP entries for it stay right.
    expect(macs.size, [...macs].join(' ')).toBe(1);
    const lines = (await ok('logs', asker)).split('\n');
    const answered = lines.filter((l) => l === 'ok').length;
    expect(answered, 'the loop must have run through the churn').toBeGreaterThan(ROUNDS * 4);
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
  }, 300_000);
});
