// A container's /etc/hosts and /etc/resolv.conf, pure: made from its addresses, HostConfig (ExtraHosts, Dns,
// DnsSearch, DnsOptions) and the host's resolv.conf text, the way dockerd writes them.

const LOCALHOST = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/**
 * /etc/hosts: localhost, then ExtraHosts ("name:ip"; "host-gateway" is the first network's gateway), then the
 * container's own address with its hostname (127.0.0.1 when it has none, as with network mode none).
 */
export function hostsFile(opts: {
  hostname: string;
  ip?: string;
  extraHosts: readonly string[];
  gateway?: string;
}): string {
  const extra = opts.extraHosts.map((e) => {
    const i = e.search(/[:=]/);
    const name = e.slice(0, i);
    const ip = e.slice(i + 1);
    return `${ip === 'host-gateway' ? (opts.gateway ?? '127.0.0.1') : ip}\t${name}`;
  });
  const own = opts.ip ? `${opts.ip}\t${opts.hostname}` : `127.0.0.1\t${opts.hostname}`;
  return `${[...LOCALHOST, ...extra, own].join('\n')}\n`;
}

/** The nameserver, search and options lines of a resolv.conf. */
export interface Resolver {
  nameservers: string[];
  search: string[];
  options: string[];
}

export function parseResolvConf(text: string): Resolver {
  const out: Resolver = { nameservers: [], search: [], options: [] };
  for (const line of text.split('\n')) {
    const [key, ...values] = line.trim().split(/\s+/);
    if (key === 'nameserver' && values[0]) out.nameservers.push(values[0]);
    else if (key === 'search' || key === 'domain') out.search = values;
    else if (key === 'options') out.options.push(...values);
  }
  return out;
}

/**
 * /etc/resolv.conf. `dnsServers` are berthd's name server on the gateways when a network resolves names
 * (HostConfig.Dns is then its upstream, as with Docker's embedded DNS); otherwise Dns, or the host's resolvers
 * (without loopback ones, which mean nothing in the container's own namespace unless it shares the host's).
 */
export function resolvConf(opts: {
  host: string;
  dnsServers: readonly string[];
  dns: readonly string[];
  dnsSearch: readonly string[];
  dnsOptions: readonly string[];
  hostNamespace: boolean;
}): string {
  const host = parseResolvConf(opts.host);
  const hostServers = opts.hostNamespace ? host.nameservers : host.nameservers.filter((s) => !/^(127\.|::1$)/.test(s));
  const nameservers = opts.dnsServers.length > 0 ? opts.dnsServers : opts.dns.length > 0 ? opts.dns : hostServers;
  const search = opts.dnsSearch.length > 0 ? opts.dnsSearch : host.search;
  const options = opts.dnsOptions.length > 0 ? opts.dnsOptions : host.options;
  const lines = nameservers.map((s) => `nameserver ${s}`);
  if (search.length > 0) lines.push(`search ${search.join(' ')}`);
  if (options.length > 0) lines.push(`options ${options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
