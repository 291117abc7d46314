// Docker's network isolation, which netavark 1.4 lacks: traffic from one berth bridge to another is dropped in the
// filter table's FORWARD chain, and traffic within a bridge accepted (it passes FORWARD when br_netfilter is
// loaded, whatever the chain's policy). Two chains, as dockerd's DOCKER-ISOLATION-STAGE-1/2, shared by every berthd
// on the host (callers hold the host lock); they and the jump to them go when the last bridge's rules go.
import { runTool } from '../runtime/run-tool.js';
import { EngineError } from '../errors.js';

export const STAGE_1 = 'BERTH-ISOLATION-1';
export const STAGE_2 = 'BERTH-ISOLATION-2';

async function iptables(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  return runTool('iptables', ['-w', '5', ...args]);
}

async function must(args: string[]): Promise<void> {
  const r = await iptables(args);
  if (r.code !== 0) {
    throw new EngineError('internal', 'ENGINE_NETWORK_FIREWALL', `iptables ${args.join(' ')}: ${r.stderr.trim()}`);
  }
}

function bridgeRules(bridge: string): { chain: string; rule: string[] }[] {
  return [
    { chain: STAGE_1, rule: ['-i', bridge, '-o', bridge, '-j', 'ACCEPT'] },
    { chain: STAGE_1, rule: ['-i', bridge, '!', '-o', bridge, '-j', STAGE_2] },
    { chain: STAGE_2, rule: ['-o', bridge, '-j', 'DROP'] },
  ];
}

/** Adds the rules of `bridge` (idempotent), creating the chains and the FORWARD jump on first use. */
export async function isolateBridge(bridge: string): Promise<void> {
  for (const chain of [STAGE_1, STAGE_2]) {
    if ((await iptables(['-S', chain])).code !== 0) await must(['-N', chain]);
  }
  if ((await iptables(['-C', 'FORWARD', '-j', STAGE_1])).code !== 0) await must(['-I', 'FORWARD', '1', '-j', STAGE_1]);
  for (const { chain, rule } of bridgeRules(bridge)) {
    if ((await iptables(['-C', chain, ...rule])).code !== 0) await must(['-A', chain, ...rule]);
  }
}

/** Removes the rules of `bridge` (idempotent); with no bridge left, the chains and the jump go too. */
export async function releaseBridge(bridge: string): Promise<void> {
  for (const { chain, rule } of bridgeRules(bridge)) {
    while ((await iptables(['-D', chain, ...rule])).code === 0);
  }
  const left = await iptables(['-S', STAGE_1]);
  if (left.code !== 0 || left.stdout.split('\n').some((l) => l.startsWith('-A '))) return;
  while ((await iptables(['-D', 'FORWARD', '-j', STAGE_1])).code === 0);
  await iptables(['-F', STAGE_2]);
  await iptables(['-X', STAGE_1]);
  await iptables(['-X', STAGE_2]);
}
