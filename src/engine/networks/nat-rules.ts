// The rules netavark 1.4 keeps for one IPv4 bridge network (its NAT chain `NETAVARK-<hash>` and the jump to it from
// POSTROUTING, its port-forwarding chain `NETAVARK-DN-<hash>` and the jumps to it, and its two NETAVARK_FORWARD
// rules), removed by berthd when the network's last container leaves: one `iptables-save` and one
// `iptables-restore --noflush` transaction, where netavark's teardown runs an `iptables -C` and an `iptables -D`
// per rule, one process at a time (~230 ms on the benchmark machine). The rules are read from iptables-save, not
// written from what netavark is thought to make, so only what exists is removed; anything unexpected leaves the
// teardown to netavark.
import { runTool } from '../runtime/run-tool.js';

/**
 * The iptables-restore script that removes `subnet`'s network rules from the `iptables-save` text `save`; '' when
 * there are none.
 */
export function networkRulesRemoval(save: string, subnet: string): string {
  const tables = parseSave(save);
  const nat = tables.get('nat') ?? { chains: new Set<string>(), rules: [] };
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

function parseSave(save: string): Map<string, { chains: Set<string>; rules: SavedRule[] }> {
  const tables = new Map<string, { chains: Set<string>; rules: SavedRule[] }>();
  let current: { chains: Set<string>; rules: SavedRule[] } | undefined;
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
