// The rules netavark 1.4 keeps for one IPv4 bridge network (its NAT chain `NETAVARK-<hash>` and the jump to it from
// POSTROUTING, its port-forwarding chain `NETAVARK-DN-<hash>` and the jumps to it, and its two NETAVARK_FORWARD
// rules), made by berthd when a user network is created (and checked by a network's first container without
// published ports), and removed by berthd when the network is removed (the default network: with its last
// container): one `iptables-save` and one `iptables-restore --noflush` transaction each, where netavark runs an
// `iptables -C` and an `iptables -A` or `-D` per rule, one process at a time (its setup ~40-60 ms, its teardown
// ~230 ms on the benchmark machine). berthd writes exactly netavark's rules under netavark's names, so netavark,
// still used for published ports, finds them as its own. What is removed is read from iptables-save, not written
// from what netavark is thought to make, so only what exists is removed; anything unexpected leaves the work to
// netavark.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { runTool } from '../runtime/run-tool.js';

/**
 * The iptables-restore script that removes `subnet`'s network rules from the `iptables-save` text `save`; '' when
 * there are none.
 */
export function networkRulesRemoval(save: string, subnet: string): string {
  const tables = parseSave(save);
  const nat: SavedTable = tables.get('nat') ?? { chains: new Set<string>(), rules: [] };
  const chain = nat.rules
    .map((r) => (r.chain === 'POSTROUTING' && hasAddress(r.words, '-s', subnet) ? jumpOf(r.words) : undefined))
    .find((target) => target !== undefined && /^NETAVARK-[0-9A-F]+$/.test(target));
  const natOps: string[] = [];
  if (chain !== undefined) {
    const own = [chain, `NETAVARK-DN-${chain.slice('NETAVARK-'.length)}`].filter((c) => nat.chains.has(c));
    for (const r of nat.rules) {
      const target = jumpOf(r.words);
      if (!own.includes(r.chain) && target !== undefined && own.includes(target)) natOps.push(`-D ${r.text}`);
    }
    for (const c of own) natOps.push(`-F ${c}`, `-X ${c}`);
  }
  const filterOps = (tables.get('filter')?.rules ?? [])
    .filter(
      (r) => r.chain === 'NETAVARK_FORWARD' && (hasAddress(r.words, '-d', subnet) || hasAddress(r.words, '-s', subnet)),
    )
    .map((r) => `-D ${r.text}`);
  const script = [
    ...(natOps.length > 0 ? ['*nat', ...natOps, 'COMMIT'] : []),
    ...(filterOps.length > 0 ? ['*filter', ...filterOps, 'COMMIT'] : []),
  ];
  return script.length === 0 ? '' : `${script.join('\n')}\n`;
}

/** netavark's name for the NAT chain of network `name`: the first 13 hex digits of SHA-512(name), upper case. */
export function natChainName(name: string): string {
  return `NETAVARK-${createHash('sha512').update(name).digest('hex').slice(0, 13).toUpperCase()}`;
}

/**
 * The iptables-restore script that adds what `save` lacks of the rules netavark 1.4's setup makes for network `name`
 * on `subnet` (not internal, no published ports); '' when all are there. A missing chain is made with `-N`, which
 * fails the whole transaction if another process made it meanwhile (a `:chain` line would empty it instead).
 */
export function networkRulesAddition(save: string, name: string, subnet: string): string {
  const tables = parseSave(save);
  const none: SavedTable = { chains: new Set<string>(), rules: [] };
  const filter = tables.get('filter') ?? none;
  const nat = tables.get('nat') ?? none;
  const chain = natChainName(name);
  const missing = (t: SavedTable, rules: string[]): string[] =>
    rules.filter((r) => !t.rules.some((x) => x.text === r)).map((r) => `-A ${r}`);
  const jump = '-m comment --comment "netavark firewall plugin rules" -j NETAVARK_FORWARD';
  const filterOps = [
    ...(filter.chains.has('NETAVARK_FORWARD') ? [] : ['-N NETAVARK_FORWARD']),
    // netavark puts the jump first in FORWARD, ahead of rules that would drop forwarded traffic
    ...(filter.rules.some((r) => r.text === `FORWARD ${jump}`) ? [] : [`-I FORWARD 1 ${jump}`]),
    ...missing(filter, [
      `NETAVARK_FORWARD -d ${subnet} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `NETAVARK_FORWARD -s ${subnet} -j ACCEPT`,
    ]),
  ];
  const natOps = [
    ...(nat.chains.has(chain) ? [] : [`-N ${chain}`]),
    ...missing(nat, [
      `POSTROUTING -s ${subnet} -j ${chain}`,
      `${chain} -d ${subnet} -j ACCEPT`,
      `${chain} ! -d 224.0.0.0/4 -j MASQUERADE`,
    ]),
  ];
  const script = [
    ...(filterOps.length > 0 ? ['*filter', ...filterOps, 'COMMIT'] : []),
    ...(natOps.length > 0 ? ['*nat', ...natOps, 'COMMIT'] : []),
  ];
  return script.length === 0 ? '' : `${script.join('\n')}\n`;
}

/**
 * Adds network `name`'s rules on `subnet` (as netavark's setup of its first container would) and turns IP
 * forwarding on, as netavark does; false when that could not be done (the caller leaves it to netavark).
 */
export async function addNetworkRules(name: string, subnet: string): Promise<boolean> {
  const saved = await runTool('iptables-save', []);
  if (saved.code !== 0) return false;
  const script = networkRulesAddition(saved.stdout, name, subnet);
  if (script !== '' && (await runTool('iptables-restore', ['-w', '5', '--noflush'], { input: script })).code !== 0) {
    return false;
  }
  const forward = '/proc/sys/net/ipv4/ip_forward';
  try {
    if (readFileSync(forward, 'utf8').trim() !== '1') writeFileSync(forward, '1');
    return true;
  } catch {
    return false;
  }
}

/** Removes `subnet`'s network rules; false when that could not be done (the caller leaves it to netavark). */
export async function removeNetworkRules(subnet: string): Promise<boolean> {
  const saved = await runTool('iptables-save', []);
  if (saved.code !== 0) return false;
  const script = networkRulesRemoval(saved.stdout, subnet);
  if (script === '') return true;
  return (await runTool('iptables-restore', ['-w', '5', '--noflush'], { input: script })).code === 0;
}

interface SavedRule {
  chain: string;
  /** The rule as iptables-save wrote it, without `-A `. */
  text: string;
  words: string[];
}

interface SavedTable {
  chains: Set<string>;
  rules: SavedRule[];
}

function parseSave(save: string): Map<string, SavedTable> {
  const tables = new Map<string, SavedTable>();
  let current: SavedTable | undefined;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) {
      current = { chains: new Set(), rules: [] };
      tables.set(line.slice(1).trim(), current);
    } else if (line.startsWith(':') && current) {
      current.chains.add(line.slice(1).split(' ')[0] as string);
    } else if (line.startsWith('-A ') && current) {
      const text = line.slice(3).trim();
      const words = text.split(/\s+/);
      current.rules.push({ chain: words[0] as string, text, words });
    }
  }
  return tables;
}

function jumpOf(words: readonly string[]): string | undefined {
  const i = words.lastIndexOf('-j');
  return i >= 0 ? words[i + 1] : undefined;
}

function hasAddress(words: readonly string[], flag: '-s' | '-d', subnet: string): boolean {
  return words.some((w, i) => w === flag && words[i + 1] === subnet && words[i - 1] !== '!');
}
