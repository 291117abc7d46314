// The two engines the parity tests run one scenario on: a berthd of its own, and Debian's dockerd on its own data
// root, exec root, socket and containerd namespace, without touching the host's firewall or default bridge.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { EngineClient } from '../../src/engine/client/engine-client.js';

export const hasDockerd = spawnSync('dockerd', ['--version']).status === 0;

export interface Engine {
  socket: string;
  /** What berth needs in its environment to use this engine. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function berthdEngine(dir: string): Promise<Engine> {
  const d: Berthd = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
  return { socket: d.socket, env: { BERTH_SOCKET: d.socket, BERTH_ROOT: d.root }, close: () => d.close() };
}

/** Debian's dockerd on its own data root and socket, without touching the host's firewall or default bridge. */
export async function dockerdEngine(dir: string): Promise<Engine> {
  const socket = join(dir, 'docker.sock');
  const ns = `berth-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const child = spawn(
    'dockerd',
    [
      ...['--data-root', join(dir, 'docker'), '--exec-root', join(dir, 'dexec'), '--pidfile', join(dir, 'docker.pid')],
      ...['-H', `unix://${socket}`, '--bridge=none', '--iptables=false', '--ip-masq=false'],
      ...['--containerd-namespace', ns, '--containerd-plugins-namespace', `${ns}-p`],
    ],
    { stdio: 'ignore' },
  );
  const client = new EngineClient(socket);
  for (let i = 0; i < 200; i++) {
    if (
      await client.call('GET', '/_ping').then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  client.close();
  return {
    socket,
    env: { DOCKER_HOST: `unix://${socket}` },
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      // only the mounts under this test's own folder
      for (const m of readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1] ?? '')) {
        if (m.startsWith(`${dir}/`)) spawnSync('umount', ['-l', m]);
      }
    },
  };
}
