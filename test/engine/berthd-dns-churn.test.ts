// Names keep answering while a network changes: a container looks a peer up every 50 ms while other containers
// join and leave the same network, one after another. With aardvark-dns 1.4 (which netavark signals at every join
// and leave, and which then restarts every listener) about one lookup in 300 failed at such a moment, which is how
// the showcase's Laravel got "getaddrinfo for db failed: Temporary failure in name resolution" right after `up`.
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
    const loop = `while true; do if nslookup -type=a ${db} >/dev/null 2>&1; then echo ok; else echo FAIL; fi; sleep 0.05; done`;
    await ok('run', '-d', '--name', asker, '--network', net, '--dns', '127.0.0.1', image, 'sh', '-c', loop);
    for (let i = 0; i < ROUNDS; i++) {
      // A published port too, as the showcase's web has: netavark's setup is then at its longest.
      await ok('run', '-d', '--name', `${tag}-x${i}`, '-p', '127.0.0.1:0:80', ...sleeper);
      await new Promise((r) => setTimeout(r, 300));
      await ok('rm', '-f', `${tag}-x${i}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const lines = (await ok('logs', asker)).split('\n');
    const answered = lines.filter((l) => l === 'ok').length;
    expect(answered, 'the loop must have run through the churn').toBeGreaterThan(ROUNDS * 4);
    expect(lines.filter((l) => l === 'FAIL')).toEqual([]);
  }, 300_000);
});
