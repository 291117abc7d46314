// What the benchmark scripts share: raw Engine API calls on a unix socket, waiting for a daemon's socket, timing
// and medians. Each script still starts its own daemons, since each needs dockerd with other flags. The raw calls
// are for what a benchmark times on the daemon itself (create, start, build, networks), so that no client code
// is in the figure; cleaning up goes through EngineClient.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { pingEngine } from '../src/client/endpoint.js';

/** One Engine API call; resolves with the status and body whatever the status. */
export function api(
  socket: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: socket, method, path, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Like api, but a status of 300 or more (other than 304) throws with the engine's answer. */
export async function ok(socket: string, method: string, path: string, body?: unknown): Promise<string> {
  const r = await api(socket, method, path, body);
  if (r.status >= 300 && r.status !== 304) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
  return r.body;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
export const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
export const sleep = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));

export async function waitForSocket(socket: string, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await pingEngine(socket, 200)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not answer on ${socket}`);
}

/** A daemon a benchmark started: its name for tables, its socket, its process. */
export interface Daemon {
  name: string;
  socket: string;
  process: ChildProcess;
}

/** berthd from this checkout (dist/ built), on its own data root and socket under `dir`. */
export async function startBerthd(dir: string): Promise<Daemon> {
  const socket = join(dir, 'berth.sock');
  // BERTHD_PROFILE=DIR: a V8 CPU profile of berthd, written into DIR when it stops (Node refuses --cpu-prof in
  // NODE_OPTIONS, so it is passed here)
  const profile = process.env.BERTHD_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BERTHD_PROFILE}`] : [];
  // BERTHD_STRACE=FILE: berthd under strace, which logs every process start and end (the process census in
  // BENCHMARKS.md; strace slows every start, so only shares count)
  const trace = process.env.BERTHD_STRACE
    ? ['strace', '-f', '-tt', '-e', 'trace=execve,exit_group', '-qq', '-o', process.env.BERTHD_STRACE]
    : [];
  const argv = [...trace, process.execPath, ...profile, join(process.cwd(), 'bin/berthd.js')];
  const child = spawn(argv[0] as string, argv.slice(1), {
    env: { ...process.env, BERTH_ROOT: join(dir, 'berth-root'), BERTH_SOCKET: socket },
    stdio: ['ignore', 'ignore', 'inherit'],
    // strace and berthd in a process group of their own: stopProcess signals both (strace alone detaches and
    // leaves berthd running)
    detached: trace.length > 0,
  });
  await waitForSocket(socket, 'berthd');
  return { name: 'berthd', socket, process: child };
}

/**
 * Debian's dockerd on its own data root, socket and containerd namespace under `dir`, with no default bridge, IP
 * forwarding or masquerading; `flags` adds to that (default `--iptables=false`, so it touches no firewall rule).
 */
export async function startDockerd(dir: string, flags: readonly string[] = ['--iptables=false']): Promise<Daemon> {
  const socket = join(dir, 'docker.sock');
  const root = join(dir, 'docker');
  const child = spawn(
    'dockerd',
    [
      ...['--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '--pidfile', join(root, 'pid')],
      ...['-H', `unix://${socket}`, '--bridge=none', '--ip-forward=false', '--ip-masq=false', ...flags],
      ...['--containerd-namespace', `bench-${process.pid}`, '--containerd-plugins-namespace', `bench-p-${process.pid}`],
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  await waitForSocket(socket, 'dockerd');
  return { name: 'dockerd', socket, process: child };
}

/** SIGTERM, then SIGKILL after 20 s; a process that has already ended is left alone. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  // a traced berthd (BERTHD_STRACE) is the whole group that startBerthd made
  const kill = (signal: NodeJS.Signals): void => {
    if (child.spawnargs[0] === 'strace' && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  };
  kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (child.exitCode === null && child.signalCode === null) kill('SIGKILL');
}

/**
 * Removes a benchmark's temporary folder: first lazily unmounts what is mounted below it (deepest first), so that
 * a mount left by a daemon does not keep the folder. Refuses a relative or top-level path, since an empty or wrong
 * `dir` would otherwise match every mount of the machine (as a helper's shell once did).
 */
export function removeBenchDir(dir: string): void {
  if (!dir.startsWith('/') || dir.split('/').filter(Boolean).length < 2) {
    throw new Error(`refusing to clean "${dir}": not an absolute folder two levels down`);
  }
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
