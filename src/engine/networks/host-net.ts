// The host side of networking, as thin wrappers over ip(8), unshare(1), umount(8) and flock(1): what routes and
// links the host has, Linux bridges, namespace files, and the host-wide lock that several berthd daemons (each
// with its own data root) take before choosing a subnet or a bridge name or running netavark.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
 * Takes an exclusive flock(2) on `path` and resolves with its release. The lock belongs to a file description that
 * this process opens (close-on-exec, so no other child inherits it); flock(1) locks it as its fd 3 and exits, so
 * taking the lock costs one short process and holding it none. If berthd dies, the kernel closes the file and the
 * lock goes with it. Other berthds (older ones too, which hold it through a flock(1) child) lock the same file.
 */
export async function acquireHostLock(path: string): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const fd = openSync(path, 'a', 0o644);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('flock', ['-x', '3'], { stdio: ['ignore', 'ignore', 'ignore', fd] });
      child.once('error', (e) =>
        reject(new EngineError('unavailable', 'ENGINE_TOOL_MISSING', `cannot run flock: ${e.message}`, { cause: e })),
      );
      child.once('close', resolve);
    });
    if (code !== 0) throw new EngineError('internal', 'ENGINE_NETWORK_LOCK', `cannot lock ${path}`);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    closeSync(fd);
  };
}

/** Runs `section` while holding the host lock on `path` (acquireHostLock). */
export async function withHostLock<T>(path: string, section: () => Promise<T>): Promise<T> {
  const release = await acquireHostLock(path);
  try {
    return await section();
  } finally {
    release();
  }
}

/** Every IPv4 subnet the host routes or has an address in (the default route excluded). */
export async function hostSubnets(): Promise<Cidr[]> {
  const [routesText, addrsText] = await Promise.all([
    run('ip', ['-4', '-j', 'route', 'show', 'table', 'all'], 'ip route'),
    run('ip', ['-4', '-j', 'addr'], 'ip addr'),
  ]);
  const routes = JSON.parse(routesText) as { dst: string }[];
  const addrs = JSON.parse(addrsText) as { addr_info?: { local: string; prefixlen: number }[] }[];
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
  const mtu = opts.mtu ? ` mtu ${opts.mtu}` : '';
  // One ip(8) process for the three steps (a bridge is made again each time a network's last container leaves).
  // ip stops at the first command that fails and names its line: past line 1 the bridge is ours and goes again.
  // The address is set, as dockerd sets its bridges': a bridge whose address was not set takes the lowest of its
  // ports', so it changed as containers joined and left, and their ARP entries for the gateway went stale:
  // packets to the gateway (DNS, the way out) were lost for seconds.
  const r = await runTool('ip', ['-batch', '-'], {
    input: [
      `link add name ${opts.name}${mtu} address ${bridgeMac(opts.gateway)} type bridge`,
      `addr add ${opts.gateway}/${opts.prefix} dev ${opts.name}`,
      `link set ${opts.name} up`,
      '',
    ].join('\n'),
  });
  if (r.code === 0) return;
  const line = Number(/Command failed -:(\d+)/.exec(r.stderr)?.[1] ?? 1);
  if (line > 1) await deleteLink(opts.name);
  const what = ['creating bridge', 'addressing', 'starting'][Math.min(line, 3) - 1] as string;
  throw new EngineError('internal', 'ENGINE_NETWORK_HOST', `${what} ${opts.name} failed: ${r.stderr.trim()}`);
}

/**
 * The bridge's own address, from its gateway (unique on the host, as subnets are): locally administered, unicast,
 * and the same each time the network's bridge is made again.
 */
export function bridgeMac(gateway: string): string {
  const bytes = [0x02, 0xb5, ...gateway.split('.').map(Number)];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Gives a bridge made before its address was set (by an older berthd) its fixed address. */
export async function fixBridgeMac(name: string, gateway: string): Promise<void> {
  let assigned: string;
  try {
    assigned = readFileSync(`/sys/class/net/${name}/addr_assign_type`, 'utf8').trim();
  } catch {
    return; // no such link: nothing to fix
  }
  if (assigned === '3') return; // NET_ADDR_SET
  const r = await runTool('ip', ['link', 'set', 'dev', name, 'address', bridgeMac(gateway)]);
  if (r.code !== 0) {
    throw new EngineError(
      'internal',
      'ENGINE_NETWORK_HOST',
      `setting the address of ${name} failed: ${r.stderr.trim()}`,
    );
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
