// The name server of a data root's networks (aardvark-dns) across its last user leaving: netavark stops
// aardvark-dns when the last container with names leaves, and the next one to join, however soon after, must find
// a running server that answers its names.
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

describe.runIf(hasRunc)('aardvark-dns after its last user leaves', () => {
  let dir: string;
  let socket = '';
  let close: () => Promise<void> = async () => undefined;
  const tag = `berth-dnsrestart-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const net = `${tag}-n`;
  const docker = (...args: string[]) => runDocker(socket, args);
  const ok = async (...args: string[]): Promise<string> => {
    const r = await docker(...args);
    expect(r.code, `docker ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-dnsrestart-'));
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
        await docker('rm', '-f', `${tag}-a`, `${tag}-b`);
        await docker('network', 'rm', net);
        await docker('rmi', image);
      }
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a container that joins right after the last one left resolves its peers', async () => {
    for (let round = 0; round < 8; round++) {
      await ok('run', '-d', '--name', `${tag}-a`, '--network', net, '--dns', '127.0.0.1', image, 'sleep', '300');
      await ok('rm', '-f', `${tag}-a`);
      await ok('run', '-d', '--name', `${tag}-b`, '--network', net, '--dns', '127.0.0.1', image, 'sleep', '300');
      const r = await docker('exec', `${tag}-b`, 'nslookup', '-type=a', `${tag}-b`);
      expect(r.stdout, `round ${round}: ${r.stdout} ${r.stderr}`).toMatch(/^Address:\s+\d+\.\d+\.\d+\.\d+\s*$/m);
      await ok('rm', '-f', `${tag}-b`);
    }
  }, 120_000);
});
