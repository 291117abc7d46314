// Docker's network isolation, which netavark 1.4 lacks: traffic from one berth bridge to another is dropped by
// berth's own nftables table (isolation-ruleset.ts says why a table of our own). The table is shared by every
// berthd on the host: callers hold the host lock, each change reads the bridge set back and rewrites the whole
// table in one transaction, and the table goes when its last bridge goes.
import { EngineError } from '../errors.js';
import { runTool } from '../runtime/run-tool.js';
import { hostLinkNames } from './host-net.js';
import {
  BRIDGE_SET,
  isolationScript,
  LEGACY_CHAINS,
  parseBridgeSet,
  parseLegacyBridges,
  TABLE,
} from './isolation-ruleset.js';

const NFT = 'nft';

/** The bridges the table isolates now; none when there is no table. */
export async function isolatedBridges(): Promise<string[]> {
  const r = await runTool(NFT, ['-j', 'list', 'set', 'inet', TABLE, BRIDGE_SET]);
  if (r.code !== 0) {
    if (/No such file or directory/.test(r.stderr)) return [];
    throw firewallError(`nft list set inet ${TABLE} ${BRIDGE_SET}`, r.stderr);
  }
  return parseBridgeSet(r.stdout);
}

async function writeBridges(bridges: readonly string[]): Promise<void> {
  const r = await runTool(NFT, ['-f', '-'], { input: isolationScript(bridges) });
  if (r.code !== 0) throw firewallError(`nft -f - (table inet ${TABLE})`, r.stderr);
}

/** Isolates `bridge` from every other berth bridge (idempotent), creating the table on first use. */
export async function isolateBridge(bridge: string): Promise<void> {
  const now = await isolatedBridges();
  if (!now.includes(bridge)) await writeBridges([...now, bridge]);
}

/** Removes `bridge` from the table (idempotent); with no bridge left, the table goes too. */
export async function releaseBridge(bridge: string): Promise<void> {
  const now = await isolatedBridges();
  if (now.includes(bridge)) await writeBridges(now.filter((b) => b !== bridge));
}

/**
 * Brings the table in line with the host, at berthd's start: bridges a crash left in the set but no longer on the
 * host go; `own` (this berthd's bridges) that exist are added; the iptables chains of older berth versions are
 * migrated into the table (their bridges that still exist) and removed, with their FORWARD jump.
 */
export async function sweepIsolation(own: readonly string[]): Promise<void> {
  const links = await hostLinkNames();
  const legacy = await legacyBridges();
  const now = await isolatedBridges();
  const wanted = [...new Set([...now, ...own, ...(legacy ?? [])])].filter((b) => links.has(b));
  if (wanted.length !== now.length || wanted.some((b) => !now.includes(b))) await writeBridges(wanted);
  if (legacy) await removeLegacyChains(); // only once the table holds their bridges
}

async function iptables(args: string[]): Promise<number> {
  return (await runTool('iptables', ['-w', '5', ...args])).code;
}

/** The bridges of the old BERTH-ISOLATION-1 chain; undefined without that chain (or without iptables at all). */
async function legacyBridges(): Promise<string[] | undefined> {
  const listed = await runTool('iptables', ['-w', '5', '-S', LEGACY_CHAINS[0]]).catch((e: unknown) => {
    if (e instanceof EngineError && e.kind === 'unavailable') return undefined; // a host with nft alone
    throw e;
  });
  return listed?.code === 0 ? parseLegacyBridges(listed.stdout) : undefined;
}

/** Deletes BERTH-ISOLATION-1/2 and the FORWARD jump to them. */
async function removeLegacyChains(): Promise<void> {
  const [stage1, stage2] = LEGACY_CHAINS;
  while ((await iptables(['-D', 'FORWARD', '-j', stage1])) === 0);
  for (const args of [
    ['-F', stage1],
    ['-F', stage2],
    ['-X', stage1],
    ['-X', stage2],
  ])
    await iptables(args);
}

function firewallError(what: string, stderr: string): EngineError {
  return new EngineError('internal', 'ENGINE_NETWORK_FIREWALL', `${what}: ${stderr.trim() || 'failed'}`, {
    hint: 'berthd isolates networks with nftables: check that the nft command works (apt-get install nftables)',
  });
}
