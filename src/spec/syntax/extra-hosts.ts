// The extra_hosts list syntax, HOST=IP or HOST:IP, as compose-go's types.NewHostsList reads it.
import { parsedError, parsedOk } from './parsed.js';
import type { Parsed } from './parsed.js';

/**
 * One /etc/hosts entry to add. `ips` keeps the order written and has no brackets ("[::1]" becomes "::1").
 * An "IP" is not checked as an address: the engine also accepts the special value "host-gateway".
 */
export interface ExtraHost {
  host: string;
  ips: string[];
}

const HINT = 'use HOST=IP, e.g. "somehost=162.242.195.82" or "myhostv6=::1"';

/**
 * Parses one `extra_hosts` list entry. compose-go cuts at the first "=" and, only when there is none, at the
 * first ":", so "myhostv6:::1" is host "myhostv6" and IP "::1"; several IPs may be given separated by ",".
 * compose-go keeps an empty IP and lets the engine reject it; berth rejects it here.
 * Entries naming the same host add up (compose-go appends their IPs); that is the caller's job.
 */
export function parseExtraHost(v: string): Parsed<ExtraHost> {
  const sep = v.includes('=') ? '=' : ':';
  const at = v.indexOf(sep);
  if (at === -1) return parsedError(`"${v}" has no IP address`, HINT);
  const host = v.slice(0, at);
  // a ":" left in the name means a "=" came after it: "a:b=1.2.3.4" would be split differently by the engine
  if (host === '' || host.includes(':')) return parsedError(`"${v}" has a bad host name "${host}"`, HINT);
  const ips = v
    .slice(at + 1)
    .split(',')
    .map((ip) => (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip));
  if (ips.includes('')) return parsedError(`"${v}" has no IP address`, HINT);
  return parsedOk({ host, ips });
}
