// The ports short syntax, [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL], as compose-go reads it:
// types.ParsePortConfig over docker/go-connections nat.ParsePortSpec (v0.5).
import { parsedError, parsedOk } from './parsed.js';
import type { Parsed } from './parsed.js';

/**
 * One published or exposed container port, in the shape of Compose's long syntax.
 * `target` is a single port (ranges are expanded); `published` is a port or a host range such as
 * "8000-9000" (the engine picks a free one), absent when the engine picks any; `host_ip` is absent for
 * all interfaces and never has brackets. `protocol` is lower case: tcp, udp or sctp.
 */
export interface PortMapping {
  target: number;
  published?: string;
  host_ip?: string;
  protocol: string;
  mode: 'ingress' | 'host';
  app_protocol?: string;
  name?: string;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);
const MAPPING_HINT = 'HOST:CONTAINER, e.g. "8080:80"';
const PORT_HINT = 'ports are numbers from 0 to 65535, or ranges such as "8000-8010"';

/**
 * Parses one `ports` entry. A YAML number is a container port. A container range gives one mapping per port,
 * paired with a host range of the same length, or all given the whole host range when that is longer and the
 * container side is a single port ("8000-9000:80" keeps published "8000-9000").
 * The mappings come out sorted by their "PORT/protocol" text, as compose-go sorts them: "9-10" gives 10 then 9.
 */
export function parsePortShort(v: string | number): Parsed<PortMapping[]> {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 65535) return parsedError(`"${v}" is not a port number`, PORT_HINT);
    return parsedOk([{ target: v, protocol: 'tcp', mode: 'ingress' }]);
  }
  const parts = v.split(':');
  const container = parts[parts.length - 1] ?? '';
  const hostPort = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  // with more than three parts, the leading ones are an IPv6 address: "::1:8080:80"
  let hostIp = parts.slice(0, -2).join(':');

  const slash = container.indexOf('/');
  const containerPort = slash === -1 ? container : container.slice(0, slash);
  const protocol = (slash === -1 ? '' : container.slice(slash + 1)).toLowerCase() || 'tcp';
  if (containerPort === '') return parsedError(`"${v}" has no container port`, MAPPING_HINT);
  if (!PROTOCOLS.has(protocol)) {
    return parsedError(`"${v}" has an unknown protocol "${protocol}"`, 'use tcp, udp or sctp');
  }
  if (hostIp.startsWith('[')) hostIp = /^\[([^[\]]*)\]$/.exec(hostIp)?.[1] ?? '[';
  if (hostIp !== '' && !isIPv4(hostIp) && !isIPv6(hostIp))
    return parsedError(`"${v}" is not a port mapping`, MAPPING_HINT);

  const targets = parsePortRange(containerPort);
  if (!targets) return parsedError(`"${v}" has an invalid container port "${containerPort}"`, PORT_HINT);
  const hosts = hostPort === '' ? undefined : parsePortRange(hostPort);
  if (hostPort !== '' && !hosts) return parsedError(`"${v}" has an invalid host port "${hostPort}"`, PORT_HINT);
  const count = targets.end - targets.start + 1;
  if (hosts && count > 1 && hosts.end - hosts.start + 1 !== count) {
    return parsedError(
      `"${v}" maps host ports "${hostPort}" to a different number of container ports "${containerPort}"`,
      'give ranges of the same length, or a single container port',
    );
  }

  const mappings: PortMapping[] = [];
  for (let i = 0; i < count; i++) {
    const mapping: PortMapping = { target: targets.start + i, protocol, mode: 'ingress' };
    if (hosts) {
      const range = count === 1 && hosts.start !== hosts.end;
      mapping.published = range ? `${hosts.start}-${hosts.end}` : `${hosts.start + i}`;
    }
    if (hostIp !== '') mapping.host_ip = hostIp;
    mappings.push(mapping);
  }
  // compose-go walks a map keyed "PORT/proto" in sorted string order, so "998-1001" yields 1000, 1001, 998, 999
  mappings.sort((a, b) => (`${a.target}` < `${b.target}` ? -1 : `${a.target}` > `${b.target}` ? 1 : 0));
  return parsedOk(mappings);
}

/**
 * The identity Compose uses to merge `ports` across files and to drop duplicates (compose-go
 * override/uncity.go portIndexer, applied to the long form after short entries are expanded):
 * "HOST_IP:PUBLISHED:TARGET/PROTOCOL", with HOST_IP "0.0.0.0" when unset and PUBLISHED "" when unset.
 * `mode`, `name` and `app_protocol` are not part of it: a later entry with the same key replaces the earlier one.
 */
export function portKey(p: PortMapping): string {
  return `${p.host_ip || '0.0.0.0'}:${p.published ?? ''}:${p.target}/${p.protocol}`;
}

/** go-connections ParsePortRange: "80" or "8000-8010", each port 0..65535, start <= end. */
function parsePortRange(text: string): { start: number; end: number } | undefined {
  const bounds = text.split('-');
  // go-connections ignores anything after a second "-" ("1-2-3" is 1-2); berth rejects it
  if (bounds.length > 2 || !bounds.every((b) => /^\d+$/.test(b) && Number(b) <= 65535)) return undefined;
  const start = Number(bounds[0]);
  const end = Number(bounds[bounds.length - 1]);
  return end < start ? undefined : { start, end };
}

// Go's net.ParseIP: dotted decimal without leading zeros
function isIPv4(text: string): boolean {
  const fields = text.split('.');
  return fields.length === 4 && fields.every((f) => /^(0|[1-9]\d{0,2})$/.test(f) && Number(f) <= 255);
}

// Go's net.ParseIP: 8 groups, or fewer around one "::" standing for at least one group; may end in IPv4; no zone
function isIPv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
  const groups = [...groupsOf(halves[0] ?? ''), ...groupsOf(halves[1] ?? '')];
  let width = 0;
  for (const [i, group] of groups.entries()) {
    const last = i === groups.length - 1 && !text.endsWith('::');
    if (last && group.includes('.')) {
      if (!isIPv4(group)) return false;
      width += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      width += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? width <= 7 : width === 8;
}
