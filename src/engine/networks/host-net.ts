// The host side of networking, as thin wrappers over ip(8), unshare(1), umount(8) and flock(1): what routes and
// links the host has, Linux bridges, namespace files, and the host-wide lock that several berthd daemons (each
// with its own data root) take before choosing a subnet or a bridge name or running netavark.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EngineError } from '../errors.js';
import { runTool } from '../runtime/run-tool.js';
import type { Cidr } from './ipam.js';
import { parseCidr } from './ipam.js';

/** Shared by every berthd on the host: held while subnets, bridges, iptables rules or netavark change. */
export const HOST_LOCK = '/run/berth/networks.lock';

async function run(binary: string, args: string[], what: string): Promise<string> {
  const r = await runTool(binary, args);
  if (r.code !== 0) {
    throw new EngineError('internal', 'ENGINE_NETWORK_HOST', `${what} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  }
  return r.stdout;
}

/**
 * Runs `section` while holding an exclusive flock(2) on `path`. The lock is held by a flock(1) child whose
 * stdin is a pipe from this process: if berthd dies, the pipe closes and the lock goes with it.
 */
export async function withHostLock<T>(path: string, section: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const child = spawn('flock', ['-x', path, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('error', (e) =>
      reject(new EngineError('unavailable', 'ENGINE_TOOL_MISSING', `cannot run flock: ${e.message}`, { cause: e })),
    );
    child.stdout.once('data', () => resolve());
    child.once('close', () => reject(new EngineError('internal', 'ENGINE_NETWORK_LOCK', `cannot lock ${path}`)));
  });
  try {
    return await section();
  } finally {
    child.stdin.end();
    await exited;
  }
}

/** Every IPv4 subnet the host routes or has an address in (the default route excluded). */
export async function hostSubnets(): Promise<Cidr[]> {
  const routes = JSON.parse(await run('ip', ['-4', '-j', 'route', 'show', 'table', 'all'], 'ip route')) as {
    dst: string;
  }[];
  const addrs = JSON.parse(await run('ip', ['-4', '-j', 'addr'], 'ip addr')) as {
    addr_info?: { local: string; prefixlen: number }[];
  }[];
  const out: Cidr[] = [];
  for (const r of routes) {
    if (r.dst === 'default' || r.dst.startsWith('127.') || r.dst.includes(':')) continue;
    const c = parseCidr(r.dst);
    if (c) out.push(c);
  }
  for (const a of addrs.flatMap((l) => l.addr_info ?? [])) {
    const c = parseCidr(`${a.local}/${a.prefixlen}`);
    if (c && !a.local.startsWith('127.')) out.push(c);
  }
  return out;
}

export async function hostLinkNames(): Promise<Set<string>> {
  const links = JSON.parse(await run('ip', ['-j', 'link'], 'ip link')) as { ifname: string }[];
  return new Set(links.map((l) => l.ifname));
}

/** A bridge, up, with the gateway address: the same bridge netavark would make, made early to hold the subnet. */
export async function createBridge(opts: {
  name: string;
  gateway: string;
  prefix: number;
  mtu?: number;
}): Promise<void> {
  const mtu = opts.mtu ? ['mtu', String(opts.mtu)] : [];
  await run('ip', ['link', 'add', 'name', opts.name, ...mtu, 'type', 'bridge'], `creating bridge ${opts.name}`);
  try {
    await run('ip', ['addr', 'add', `${opts.gateway}/${opts.prefix}`, 'dev', opts.name], `addressing ${opts.name}`);
    await run('ip', ['link', 'set', opts.name, 'up'], `starting ${opts.name}`);
  } catch (e) {
    await deleteLink(opts.name);
    throw e;
  }
}

/** Deletes a link; one that is already gone is fine. */
export async function deleteLink(name: string): Promise<void> {
  const r = await runTool('ip', ['link', 'del', name]);
  if (r.code !== 0 && !/Cannot find device|does not exist/.test(r.stderr)) {
    throw new EngineError('internal', 'ENGINE_NETWORK_HOST', `deleting ${name} failed: ${r.stderr.trim()}`);
  }
}

/** A new network namespace kept alive by a bind mount on `path` (no process needed). */
export async function createNetns(path: string): Promise<void> {
  writeFileSync(path, '', { mode: 0o600 });
  const r = await runTool('unshare', [`--net=${path}`, 'true']);
  if (r.code !== 0) {
    rmSync(path, { force: true });
    throw new EngineError('internal', 'ENGINE_NETWORK_HOST', `creating a network namespace failed: ${r.stderr.trim()}`);
  }
}

/** Unmounts and deletes a namespace file; one that is already gone is fine. */
export async function removeNetns(path: string): Promise<void> {
  await runTool('umount', [path]);
  rmSync(path, { force: true });
}
