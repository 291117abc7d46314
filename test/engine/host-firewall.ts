// Host-side parts for the network isolation test, each undone by its own `remove()`: an "outside" network namespace
// behind a veth pair (stands in for the internet, so NAT and published ports are tried without leaving the host),
// and Debian's dockerd with its iptables rules enabled, as on a real host, whose chains and rules are removed
// again afterwards (dockerd leaves them in place when it stops).
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runDocker } from './docker-cli.js';

const run = promisify(execFile);

function sh(cmd: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(cmd, args);
  return { code: r.status ?? 1, out: r.stdout?.toString() ?? '', err: r.stderr?.toString() ?? '' };
}

/** Runs every command even when one fails (cleanup), returning what failed. */
function all(cmds: string[][]): string[] {
  return cmds.flatMap(([cmd, ...args]) => {
    const r = sh(cmd as string, args);
    return r.code === 0 ? [] : [`${[cmd, ...args].join(' ')}: ${r.err.trim()}`];
  });
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

export interface Outside {
  /** The host's end of the link: the address a published port is reached on from outside. */
  hostIp: string;
  /** The outside httpd's address, answering `outside` on port 80. */
  ip: string;
  /** Runs `busybox <args>` inside the outside namespace (asynchronously: berthd may run in this process). */
  exec(args: string[]): Promise<{ code: number; out: string }>;
  remove(): Promise<void>;
}

/** A namespace `name` linked to the host by a veth /30 in 198.18.0.0/15 (RFC 2544), serving httpd on port 80. */
export function makeOutside(opts: { name: string; veth: string; third: number; dir: string }): Outside {
  const base = `198.18.${opts.third}`;
  const [hostIp, ip] = [`${base}.1`, `${base}.2`];
  const www = join(opts.dir, 'outside-www');
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, 'index.html'), 'outside\n');
  const failed = all([
    ['ip', 'netns', 'add', opts.name],
    ['ip', 'link', 'add', opts.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', opts.name],
    ['ip', 'addr', 'add', `${hostIp}/30`, 'dev', opts.veth],
    ['ip', 'link', 'set', opts.veth, 'up'],
    ['ip', '-n', opts.name, 'addr', 'add', `${ip}/30`, 'dev', 'eth0'],
    ['ip', '-n', opts.name, 'link', 'set', 'eth0', 'up'],
    ['ip', '-n', opts.name, 'link', 'set', 'lo', 'up'],
  ]);
  const httpd = spawn('ip', ['netns', 'exec', opts.name, 'busybox', 'httpd', '-f', '-p', '80', '-h', www], {
    stdio: 'ignore',
  });
  const remove = async (): Promise<void> => {
    await exited(httpd);
    all([
      ['ip', 'link', 'del', opts.veth],
      ['ip', 'netns', 'del', opts.name],
    ]);
  };
  if (failed.length > 0) {
    void remove();
    throw new Error(`making the outside namespace: ${failed.join('; ')}`);
  }
  return {
    hostIp,
    ip,
    exec: (args) =>
      run('ip', ['netns', 'exec', opts.name, 'busybox', ...args]).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code?: number; stdout?: string }) => ({
          code: typeof e.code === 'number' ? e.code : 1,
          out: e.stdout ?? '',
        }),
      ),
    remove,
  };
}

/** The chains of an iptables table (`-N` lines of `iptables -S`) and the FORWARD policy. */
function chains(table: string): Set<string> {
  return new Set(
    sh('iptables', ['-w', '5', '-t', table, '-S'])
      .out.split('\n')
      .flatMap((l) => (l.startsWith('-N ') ? [l.slice(3)] : [])),
  );
}

function forwardPolicy(): string {
  return /^-P FORWARD (\S+)/m.exec(sh('iptables', ['-w', '5', '-S', 'FORWARD']).out)?.[1] ?? 'ACCEPT';
}

export interface Dockerd {
  socket: string;
  /** Stops dockerd, then removes every chain it added and every rule naming them or `marks`; restores the policy. */
  remove(): Promise<string[]>;
}

/**
 * Debian's dockerd on its own data root, exec root, pidfile, socket and containerd namespace, with iptables
 * enabled (it adds DOCKER-USER and DOCKER-ISOLATION-STAGE-* to FORWARD as on any host) and no default bridge.
 */
export async function startDockerd(opts: { dir: string; tag: string; marks: string[] }): Promise<Dockerd> {
  const before = { filter: chains('filter'), nat: chains('nat'), policy: forwardPolicy() };
  const socket = join(opts.dir, 'docker.sock');
  const child = spawn(
    'dockerd',
    [
      ...['--data-root', join(opts.dir, 'docker'), '--exec-root', join(opts.dir, 'dexec')],
      ...['--pidfile', join(opts.dir, 'docker.pid'), '-H', `unix://${socket}`, '--bridge=none'],
      ...['--containerd-namespace', opts.tag, '--containerd-plugins-namespace', `${opts.tag}-p`],
    ],
    { stdio: 'ignore' },
  );
  const remove = async (): Promise<string[]> => {
    await exited(child);
    for (const m of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const point = m.split(' ')[1] ?? '';
      if (point.startsWith(`${opts.dir}/`)) spawnSync('umount', [point]);
    }
    const failed: string[] = [];
    for (const table of ['filter', 'nat'] as const) {
      const added = [...chains(table)].filter((c) => c.startsWith('DOCKER') && !before[table].has(c));
      const rules = sh('iptables', ['-w', '5', '-t', table, '-S']).out.split('\n');
      for (const rule of rules) {
        const chain = rule.split(' ')[1] ?? '';
        if (!rule.startsWith('-A ') || added.includes(chain)) continue;
        const jumps = added.some((c) => rule.endsWith(` -j ${c}`));
        if (!jumps && !opts.marks.some((m) => rule.includes(m))) continue;
        const r = sh('sh', ['-c', `iptables -w 5 -t ${table} ${rule.replace(/^-A /, '-D ')}`]);
        if (r.code !== 0) failed.push(`${table} ${rule}: ${r.err.trim()}`);
      }
      failed.push(...all(added.map((c) => ['iptables', '-w', '5', '-t', table, '-F', c])));
      failed.push(...all(added.map((c) => ['iptables', '-w', '5', '-t', table, '-X', c])));
    }
    if (forwardPolicy() !== before.policy)
      failed.push(...all([['iptables', '-w', '5', '-P', 'FORWARD', before.policy]]));
    return failed;
  };
  for (let i = 0; i < 150; i++) {
    if ((await runDocker(socket, ['version', '--format', '{{.Server.Version}}'])).code === 0) return { socket, remove };
    await new Promise((r) => setTimeout(r, 200));
  }
  const failed = await remove();
  throw new Error(`dockerd did not answer on ${socket}${failed.length ? `; cleanup: ${failed.join('; ')}` : ''}`);
}
