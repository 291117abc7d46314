// Debian's dockerd (20.10) for tests that compare berthd with it: its own data root, exec root, containerd
// namespace and socket under the test's folder, no firewall rules and no default bridge, so it touches nothing
// of the host or of other tests; `close` stops it and unmounts only what is under that folder.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runDocker } from './docker-cli.js';

/** An engine a test drives with the docker CLI (DOCKER_HOST=unix://socket). */
export interface Engine {
  socket: string;
  close(): Promise<void>;
}

export const hasDockerd = spawnSync('dockerd', ['--version']).status === 0;

/** Debian's dockerd on its own data root, exec root and socket, without touching the host's firewall or bridge. */
export async function startDockerd(dir: string): Promise<Engine> {
  const socket = join(dir, 'docker.sock');
  const ns = `berth-test-${basename(dir)}`;
  const child = spawn(
    'dockerd',
    [
      ...['--data-root', join(dir, 'docker'), '--exec-root', join(dir, 'dexec'), '--pidfile', join(dir, 'docker.pid')],
      ...['-H', `unix://${socket}`, '--bridge=none', '--iptables=false', '--ip-masq=false'],
      ...['--containerd-namespace', ns, '--containerd-plugins-namespace', `${ns}-p`],
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 300 && (await runDocker(socket, ['version'], 5_000)).code !== 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    socket,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      // Only mounts under this test's own folder, deepest first.
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1] ?? '')
        .filter((m) => m.startsWith(`${dir}/`))
        .reverse();
      for (const m of mounts) spawnSync('umount', [m]);
    },
  };
}
