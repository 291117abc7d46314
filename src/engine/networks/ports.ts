// Published ports, pure: HostConfig.PortBindings (and PublishAllPorts over the exposed ports) to netavark port
// mappings, and back to inspect's NetworkSettings.Ports map. A host port of 0 is chosen by the caller.
import { EngineError } from '../errors.js';
import type { PortMapping } from './netavark.js';

type Bindings = Record<string, { HostIp?: string; HostPort?: string }[] | null>;

function parseKey(key: string): { port: number; protocol: string } {
  const [p, protocol = 'tcp'] = key.split('/');
  const port = Number(p);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !['tcp', 'udp', 'sctp'].includes(protocol)) {
    throw new EngineError('invalid', 'ENGINE_BAD_PORT', `invalid port specification: "${key}"`);
  }
  return { port, protocol };
}

function parseHostPort(text: string | undefined, key: string): number {
  if (!text) return 0;
  const first = Number(text.split('-')[0]);
  if (!Number.isInteger(first) || first < 0 || first > 65535) {
    throw new EngineError('invalid', 'ENGINE_BAD_PORT', `invalid host port "${text}" for ${key}`);
  }
  return first;
}

/** The mappings a container asks for; host_port 0 means "any free port". Throws EngineError `invalid`. */
export function portMappings(host: Record<string, unknown>, exposed: readonly string[]): PortMapping[] {
  const bindings: Bindings = { ...((host.PortBindings as Bindings | null | undefined) ?? {}) };
  if (host.PublishAllPorts === true) {
    for (const key of exposed) if (!bindings[key]?.length) bindings[key] = [{ HostIp: '', HostPort: '' }];
  }
  const out: PortMapping[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const { port, protocol } = parseKey(key);
    for (const b of list ?? []) {
      const hostIp = b.HostIp === '0.0.0.0' ? '' : (b.HostIp ?? '');
      if (hostIp.includes(':')) continue; // IPv6 host addresses: berth networks are IPv4 only
      out.push({
        container_port: port,
        host_port: parseHostPort(b.HostPort, key),
        host_ip: hostIp,
        protocol,
        range: 1,
      });
    }
  }
  return out;
}

/** inspect's NetworkSettings.Ports: every exposed port (null when not published) and the published bindings. */
export function portsJson(
  exposed: readonly string[],
  published: readonly PortMapping[],
): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const key of exposed) out[key.includes('/') ? key : `${key}/tcp`] = null;
  for (const m of published) {
    const key = `${m.container_port}/${m.protocol}`;
    out[key] = [...(out[key] ?? []), { HostIp: m.host_ip || '0.0.0.0', HostPort: String(m.host_port) }];
  }
  return out;
}

/** Ports used twice on the same host address and protocol, which iptables would not refuse. */
export function conflictingPort(mine: readonly PortMapping[], others: readonly PortMapping[]): PortMapping | undefined {
  return mine.find((m) =>
    others.some(
      (o) =>
        o.host_port === m.host_port &&
        o.protocol === m.protocol &&
        (o.host_ip === m.host_ip || o.host_ip === '' || m.host_ip === ''),
    ),
  );
}
