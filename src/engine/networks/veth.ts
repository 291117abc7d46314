// A container's interface on a network, made by berthd itself: a veth pair, one end on the bridge, the other in
// the container's namespace with its address and default route, made by two ip(8) batches in ~10 ms. netavark (one
// process that checks about 20 iptables rules, ~130 ms) still sets up every container with published ports.
// Deleting either end removes both, whoever made them: from inside the namespace (deleteInterface), by the host
// end's name (deleteHostLinks), or by ending the namespace (leave.ts). The scripts are pure (vethScripts).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { EngineError } from '../errors.js';
import { runTool } from '../runtime/run-tool.js';
import { hostLinkNames } from './host-net.js';

export interface VethPlan {
  /** The host's end, on the bridge (`veth` and 8 hex digits, unique on the host). */
  hostName: string;
  /** The namespace file (berthd's bind mount) and the container's end in it. */
  netns: string;
  interfaceName: string;
  bridge: string;
  mtu?: number;
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  /** An internal network has no default route, as with netavark and dockerd. */
  internal: boolean;
}

/** The container's link address, from its IP, as dockerd 20.10 makes it: the same address whenever the IP is reused. */
export function containerMac(ip: string): string {
  return [0x02, 0x42, ...ip.split('.').map(Number)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A host end's name for a new pair: `veth` and 8 hex digits. */
export function newHostName(): string {
  return `veth${randomBytes(4).toString('hex')}`;
}

/** Whether `name` has the form newHostName gives (a pair berthd made, which it may delete by that name). */
export function isOwnHostName(name: string): boolean {
  return /^veth[0-9a-f]{8}$/.test(name);
}

/** `host`: for `ip -batch -` in the host's namespace; `inside`: for the same inside the container's namespace. */
export function vethScripts(p: VethPlan): { host: string; inside: string } {
  const mtu = p.mtu ? ` mtu ${p.mtu}` : '';
  const host = [
    `link add ${p.hostName}${mtu} type veth peer name ${p.interfaceName}${mtu} netns ${p.netns}`,
    `link set ${p.hostName} master ${p.bridge} up`,
  ];
  const inside = [
    'link set lo up',
    `link set ${p.interfaceName} address ${p.mac}`,
    `addr add ${p.ip}/${p.prefixLen} dev ${p.interfaceName}`,
    `link set ${p.interfaceName} up`,
    ...(p.internal ? [] : [`route add default via ${p.gateway} dev ${p.interfaceName} proto static metric 100`]),
  ];
  return { host: `${host.join('\n')}\n`, inside: `${inside.join('\n')}\n` };
}

/** Makes the pair; on failure, what was made goes again and the error says which step failed. */
export async function addVeth(p: VethPlan): Promise<void> {
  const { host, inside } = vethScripts(p);
  const made = await runTool('ip', ['-batch', '-'], { input: host });
  if (made.code !== 0) {
    if (!/Command failed -:1\b/.test(made.stderr)) await deleteHostLinks([p.hostName]);
    throw vethError(`connecting ${p.hostName} to ${p.bridge}`, made.stderr);
  }
  const set = await runTool('nsenter', [`--net=${p.netns}`, 'ip', '-batch', '-'], { input: inside });
  if (set.code !== 0) {
    await deleteHostLinks([p.hostName]);
    throw vethError(`addressing ${p.interfaceName} in ${p.netns}`, set.stderr);
  }
}

/**
 * Deletes `interfaceName` inside the namespace, which takes its veth peer on the bridge with it. One that is
 * already gone is fine; false when the namespace itself cannot be entered (the caller falls back to netavark).
 */
export async function deleteInterface(netns: string, interfaceName: string): Promise<boolean> {
  const r = await runTool('nsenter', [`--net=${netns}`, 'ip', 'link', 'del', interfaceName]);
  return r.code === 0 || /Cannot find device|does not exist/.test(r.stderr);
}

/**
 * Deletes the host's ends of veth pairs, each taking its peer in a container's namespace with it, in one `ip`
 * process; one already gone is no failure. Resolves with those still there after it.
 */
export async function deleteHostLinks(names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const r = await runTool('ip', ['-force', '-batch', '-'], { input: names.map((n) => `link del ${n}\n`).join('') });
  if (r.code === 0) return new Set();
  const left = await hostLinkNames();
  return new Set(names.filter((n) => left.has(n)));
}

/**
 * Waits until none of the host's links `names` is left (read from /sys/class/net every 5 ms: no process), for at
 * most `ms`; resolves with those still there then.
 */
export async function linksGone(names: readonly string[], ms: number): Promise<string[]> {
  const end = Date.now() + ms;
  let left = names.filter((n) => existsSync(`/sys/class/net/${n}`));
  while (left.length > 0 && Date.now() < end) {
    await delay(5);
    left = left.filter((n) => existsSync(`/sys/class/net/${n}`));
  }
  return left;
}

function vethError(what: string, stderr: string): EngineError {
  return new EngineError('internal', 'ENGINE_NETWORK_HOST', `${what} failed: ${stderr.trim() || 'ip failed'}`, {
    hint: 'check that ip(8) and nsenter(1) work on the host running berthd (apt-get install iproute2 util-linux)',
  });
}
