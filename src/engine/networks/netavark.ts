// netavark (Podman's network stack, 1.4) does the per-container work: veth pair, address, routes, NAT and
// port-forwarding rules; names are berthd's own (src/engine/dns). netavarkInput() builds its JSON input (pure); setup() and
// teardown() run it. One call per network, so that a running container can join and leave networks one at a time.
import { EngineError } from '../errors.js';
import { runTool } from '../runtime/run-tool.js';
import type { NetworkRecord } from './types.js';

export const NETAVARK = '/usr/lib/podman/netavark';
export const AARDVARK = '/usr/lib/podman/aardvark-dns';

/** One published port, in netavark's terms. */
export interface PortMapping {
  container_port: number;
  host_port: number;
  host_ip: string;
  protocol: string;
  range: number;
}

export interface NetavarkInputOptions {
  containerId: string;
  containerName: string;
  network: NetworkRecord;
  interfaceName: string;
  ip: string;
  aliases: readonly string[];
  portMappings: readonly PortMapping[];
  /** Where the name server forwards the names it does not know (HostConfig.Dns); empty: the host's resolvers. */
  dnsServers: readonly string[];
}

/** netavark's NetworkOptions for one container on one network. */
export function netavarkInput(o: NetavarkInputOptions): string {
  const n = o.network;
  const options: Record<string, string> = {};
  if (n.mtu) options.mtu = String(n.mtu);
  return JSON.stringify({
    container_id: o.containerId,
    container_name: o.containerName,
    networks: {
      [n.name]: { interface_name: o.interfaceName, static_ips: [o.ip], aliases: n.dnsEnabled ? o.aliases : [] },
    },
    network_info: {
      [n.name]: {
        name: n.name,
        id: n.id,
        driver: 'bridge',
        network_interface: n.bridge,
        subnets: [{ subnet: n.subnet, gateway: n.gateway }],
        ipv6_enabled: false,
        internal: n.internal,
        // berthd answers names itself (src/engine/dns): netavark must not start or signal aardvark-dns.
        dns_enabled: false,
        options,
      },
    },
    port_mappings: o.portMappings,
    dns_servers: o.dnsServers,
  });
}

/** What netavark reports for the one network it set up. */
export interface SetupResult {
  mac: string;
  dnsServers: string[];
}

interface StatusBlock {
  dns_server_ips?: string[];
  interfaces?: Record<string, { mac_address: string }>;
}

async function netavark(command: 'setup' | 'teardown', opts: { aardvarkDir: string; netns: string; input: string }) {
  const r = await runTool(
    NETAVARK,
    ['--config', opts.aardvarkDir, '--aardvark-binary', AARDVARK, command, opts.netns],
    { input: opts.input },
  );
  if (r.code !== 0) {
    throw new EngineError(
      'internal',
      'ENGINE_NETAVARK',
      `netavark ${command} failed: ${netavarkError(r.stdout, r.stderr) || `exit ${r.code}`}`,
      {
        hint: 'check that netavark and aardvark-dns are installed (apt-get install netavark aardvark-dns)',
      },
    );
  }
  return r.stdout;
}

export async function setup(opts: {
  aardvarkDir: string;
  netns: string;
  input: string;
  interfaceName: string;
}): Promise<SetupResult> {
  const out = JSON.parse(await netavark('setup', opts)) as Record<string, StatusBlock>;
  const block = Object.values(out)[0] ?? {};
  return {
    mac: block.interfaces?.[opts.interfaceName]?.mac_address ?? '',
    dnsServers: block.dns_server_ips ?? [],
  };
}

export async function teardown(opts: { aardvarkDir: string; netns: string; input: string }): Promise<void> {
  await netavark('teardown', opts);
}

/** netavark 1.4 reports errors as `{"error": "..."}` on stdout. */
function netavarkError(stdout: string, stderr: string): string {
  try {
    const parsed = JSON.parse(stdout) as { error?: string };
    if (parsed.error) return parsed.error;
  } catch {
    // not JSON: fall back to stderr
  }
  return (stderr.trim() || stdout.trim()).split('\n').slice(-3).join(' ');
}
