// Debian's dockerd as a single-node swarm manager, for the `berth stack` tests. Unlike the shared helper
// (test/engine/dockerd-engine.ts) it runs in a network and mount namespace of its own (`unshare`): a swarm makes
// bridges (docker_gwbridge, docker0), VXLAN interfaces, IPVS and iptables rules and listens on 2377/7946, and
// all of that stays in the namespace, where it cannot meet the host's firewall or other tests. The mounts it
// makes are private to it and go with its last process. `close` removes the services, stops dockerd, and kills
// whatever of ours is left in the namespace (its containers' shims), which is then empty.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocker } from '../engine/docker-cli.js';

export interface SwarmEngine {
  dir: string;
  socket: string;
  /** The network namespace of dockerd ("net:[inode]"), for the checks that nothing is left in it. */
  netns: string;
  close(): Promise<void>;
}

/** With `init: false` the engine is a plain dockerd until the test runs `docker swarm init` itself. */
export async function startSwarmDockerd(name: string, opts: { init?: boolean } = {}): Promise<SwarmEngine> {
  const dir = mkdtempSync(join(tmpdir(), `berth-${name}-`));
  const socket = join(dir, 'docker.sock');
  const ns = `berth-${name}-${process.pid}`;
  const args = [
    ...['--data-root', join(dir, 'docker'), '--exec-root', join(dir, 'dexec'), '--pidfile', join(dir, 'docker.pid')],
    ...['-H', `unix://${socket}`, '--containerd-namespace', ns, '--containerd-plugins-namespace', `${ns}-p`],
  ];
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    'unshare',
    [
      '--net',
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'ip link set lo up && exec dockerd "$@"',
      'sh',
      ...args,
    ],
    { stdio: ['ignore', log, log] },
  );
  const netns = await namespaceOf(child);
  const engine: SwarmEngine = { dir, socket, netns, close: () => stop(child, netns, dir, socket) };
  try {
    for (let i = 0; ; i++) {
      if ((await runDocker(socket, ['version'], 5_000)).code === 0) break;
      if (i > 300 || child.exitCode !== null) throw new Error(`dockerd did not start: ${tail(dir)}`);
      await sleep(100);
    }
    if (opts.init !== false) await swarmInit(socket);
    return engine;
  } catch (e) {
    await engine.close();
    throw e;
  }
}

export async function swarmInit(socket: string): Promise<void> {
  const init = await runDocker(socket, ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  if (init.code !== 0) throw new Error(`docker swarm init failed: ${init.stderr}`);
}

/** The processes of ours still in the namespace (pids); empty once `close` is done. */
export function processesIn(netns: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/net`) === netns) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

async function namespaceOf(child: ChildProcess): Promise<string> {
  // unshare enters the new namespace, then execs sh: wait until the pid no longer shares ours
  const own = readlinkSync('/proc/self/ns/net');
  for (let i = 0; i < 100; i++) {
    const ns = readlinkSync(`/proc/${child.pid}/ns/net`);
    if (ns !== own) return ns;
    await sleep(20);
  }
  throw new Error('unshare did not make a network namespace');
}

async function stop(child: ChildProcess, netns: string, dir: string, socket: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    // Services first, so that dockerd stops their containers rather than leaving them to the kill below.
    const ids = (await runDocker(socket, ['service', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await runDocker(socket, ['service', 'rm', ...ids]);
    for (let i = 0; i < 100 && (await runDocker(socket, ['ps', '-q'])).stdout.trim() !== ''; i++) await sleep(200);
    await runDocker(socket, ['swarm', 'leave', '--force']);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
  // What is left in the namespace is ours (containerd shims and their containers): nothing else can be there.
  for (let i = 0; i < 50; i++) {
    const left = processesIn(netns);
    if (left.length === 0) break;
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await sleep(100);
  }
  rmSync(dir, { recursive: true, force: true });
}

function tail(dir: string): string {
  try {
    return readFileSync(join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-5).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
