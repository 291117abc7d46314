// What berth's network isolation looks like in nftables, as pure functions on data: the whole `inet berth` table
// for a list of bridges (written in one `nft -f -` transaction), and the bridges read back from nft's JSON or from
// the iptables chains older berth versions used. isolation.ts runs them.
//
// Why a table of our own and not rules in iptables' FORWARD chain: a drop verdict in any base chain is final, so an
// ACCEPT that netavark, dockerd or a firewall script puts in FORWARD (above or below anything of ours) cannot undo
// it, and no one else's rule shares our chain, so no one's insert order matters (issue 10).

/** The nftables table (family inet: IPv4 and IPv6) that holds every berth bridge's isolation on the host. */
export const TABLE = 'berth';
/** The named set of berth bridge names: the table's one piece of state, read back before every change. */
export const BRIDGE_SET = 'bridges';
/** The iptables chains berth used before this table; found on a host, they are migrated and removed. */
export const LEGACY_CHAINS = ['BERTH-ISOLATION-1', 'BERTH-ISOLATION-2'] as const;

/** A Linux interface name (create-request.ts checks user-given bridge names the same way). */
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

export function isBridgeName(name: string): boolean {
  return IFNAME.test(name);
}

/**
 * The nft script that makes the table hold exactly `bridges` (sorted, deduplicated; names that are not interface
 * names are left out, so nothing can be injected): one forward base chain ahead of the filter priority, dropping
 * what enters from one berth bridge and leaves by another. Traffic within a bridge (it passes the forward hook
 * when br_netfilter is loaded, with the bridge as both interfaces), to and from the outside (NAT and its return
 * traffic), and to published ports from outside all pass. With no bridge the table is deleted. The script first
 * adds and deletes the table, so it applies the same from any state, and nft applies it as one transaction.
 */
export function isolationScript(bridges: readonly string[]): string {
  const names = [...new Set(bridges)].filter(isBridgeName).sort();
  const lines = [`add table inet ${TABLE}`, `delete table inet ${TABLE}`];
  if (names.length > 0) {
    lines.push(
      `table inet ${TABLE} {`,
      `  set ${BRIDGE_SET} {`,
      '    type ifname',
      `    elements = { ${names.map((n) => `"${n}"`).join(', ')} }`,
      '  }',
      '  chain forward {',
      '    type filter hook forward priority filter - 10; policy accept;',
      ...names.map((n) => `    iifname "${n}" oifname != "${n}" oifname @${BRIDGE_SET} counter drop`),
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The bridge names in `nft -j list set inet berth bridges` output (elements are strings for type ifname). */
export function parseBridgeSet(json: string): string[] {
  const doc = JSON.parse(json) as { nftables?: { set?: { name?: string; elem?: unknown[] } }[] };
  const set = (doc.nftables ?? []).find((o) => o.set?.name === BRIDGE_SET)?.set;
  return (set?.elem ?? []).flatMap((e) => {
    const v = typeof e === 'string' ? e : (e as { elem?: { val?: unknown } }).elem?.val;
    return typeof v === 'string' && isBridgeName(v) ? [v] : [];
  });
}

/** The bridges of the legacy stage-1 chain, from `iptables -S BERTH-ISOLATION-1` (`-i b -o b -j ACCEPT` each). */
export function parseLegacyBridges(rules: string): string[] {
  const out = new Set<string>();
  for (const line of rules.split('\n')) {
    const m = /^-A \S+ -i (\S+) -o (\S+) -j ACCEPT$/.exec(line.trim());
    if (m && m[1] === m[2] && isBridgeName(m[1] as string)) out.add(m[1] as string);
  }
  return [...out];
}
