// Debian's dockerd on its own data root and socket, for tests that hold berthd to dockerd's behaviour: no host
// firewall rules, no default bridge, its own containerd namespace. close() stops it and unmounts what it left.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from '../../src/engine/client/engine-client.js';

export const hasDockerd = spawnSync('dockerd', ['--version']).status === 0;

export interface DockerdEngine {
  socket: string;
  close(): Promise<void>;
}

export async function startDockerd(dir: string, name: string): Promise<DockerdEngine> {
  const socket = join(dir, 'docker.sock');
  const ns = `berth-${name}-${process.pid}`;
  const child = spawn(
    'dockerd',
    [
      ...['--data-root', join(dir, 'docker'), '--exec-root', join(dir, 'dexec'), '--pidfile', join(dir, 'docker.pid')],
      ...['-H', `unix://${socket}`, '--bridge=none', '--iptables=false', '--ip-masq=false'],
      ...['--containerd-namespace', ns, '--containerd-plugins-namespace', `${ns}-p`],
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise((r) => child.once('exit', r));
  const client = new EngineClient(socket);
  try {
    for (let i = 0; i < 300; i++) {
      const up = await client.call('GET', '/_ping').then(
        () => true,
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.close();
  }
  return {
    socket,
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      for (const m of readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1] ?? '')) {
        if (m.startsWith(`${dir}/`)) spawnSync('umount', [m]);
      }
    },
  };
}
