// berthd's name server over a network's life: a container that joins right after the last one left finds names
// answered (netavark deletes and berthd remakes the bridge in between); when the gateway's port 53 is taken as the
// first container joins (a name server of another data root that has not let go of an address the host handed
// on), names work once the port is free; and after a berthd restart, for the containers that kept running.
import { execFile, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
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

  const start = async (): Promise<void> => {
    const d = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    socket = d.socket;
    close = () => d.close();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-dnsrestart-'));
    await start();
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    });
    await ok('network', 'create', net);
  }, 120_000);

  afterAll(async () => {
    try {
      if (socket) {
        await docker('rm', '-f', `${tag}-a`, `${tag}-b`, `${tag}-c`, `${tag}-d`, `${tag}-e`);
        await docker('network', 'rm', net, `${tag}-held`);
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

  it('names work on a network whose gateway port 53 was taken when its first container joined', async () => {
    const held = `${tag}-held`;
    await ok('network', 'create', held);
    const gateway = await ok('network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Gateway}}{{end}}', held);
    const squatter = createSocket('udp4');
    await new Promise<void>((r) => squatter.bind({ address: gateway, port: 53 }, r));
    // Freed 1.5 s on, while berthd is still asking the gateway for the container's name. No netavark run comes
    // after it (which would make aardvark-dns try again): the name must be answered all the same.
    const released = new Promise<void>((r) => setTimeout(() => squatter.close(() => r()), 1500));
    try {
      await ok('run', '-d', '--name', `${tag}-c`, '--network', held, '--dns', '127.0.0.1', image, 'sleep', '300');
    } finally {
      await released;
    }
    const r = await docker('exec', `${tag}-c`, 'nslookup', '-type=a', `${tag}-c`);
    expect(r.stdout, `${r.stdout} ${r.stderr}`).toMatch(/^Address:\s+\d+\.\d+\.\d+\.\d+\s*$/m);
  }, 60_000);

  it('names answer again once berthd is back after a restart, for the containers that kept running', async () => {
    const sleeper = ['--network', net, '--dns', '127.0.0.1', image, 'sleep', '300'];
    await ok('run', '-d', '--name', `${tag}-d`, ...sleeper);
    await ok('run', '-d', '--name', `${tag}-e`, ...sleeper);
    await close(); // live restore: the containers run on, and so does their network
    await start();
    const r = await docker('exec', `${tag}-d`, 'nslookup', '-type=a', `${tag}-e`);
    expect(r.stdout, `${r.stdout} ${r.stderr}`).toMatch(/^Address:\s+\d+\.\d+\.\d+\.\d+\s*$/m);
  }, 60_000);
});
