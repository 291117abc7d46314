// Where a registry is reached and how, by Docker's rules: docker.io is registry-1.docker.io (after any
// registry-mirrors); HTTPS with the system CAs plus those of `certs.d/<host:port>/` under berthd's config folder,
// and its client certificate; plain HTTP only for loopback hosts and the config's `insecure-registries`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { EngineError } from '../errors.js';

/** berthd's registry settings, from `<configDir>/daemon.json` (the keys dockerd's daemon.json uses). */
export interface RegistryConfig {
  configDir: string;
  insecureRegistries: string[];
  registryMirrors: string[];
}

/** One way to reach a registry. `plainHttpFallback`: when the host does not speak TLS, try http:// instead. */
export interface Endpoint {
  base: URL;
  tls: { ca?: string[]; cert?: string; key?: string; rejectUnauthorized: boolean };
  plainHttpFallback: boolean;
  mirror: boolean;
}

export function loadRegistryConfig(configDir: string): RegistryConfig {
  const file = join(configDir, 'daemon.json');
  const empty = { configDir, insecureRegistries: [], registryMirrors: [] };
  if (!existsSync(file)) return empty;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new EngineError('invalid', 'ENGINE_CONFIG_INVALID', `${file} is not valid JSON`, { cause: e });
  }
  const strings = (key: string): string[] => {
    const v = data[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
      throw new EngineError('invalid', 'ENGINE_CONFIG_INVALID', `${file}: "${key}" must be a list of strings`);
    }
    return v as string[];
  };
  return {
    configDir,
    insecureRegistries: strings('insecure-registries'),
    registryMirrors: strings('registry-mirrors'),
  };
}

/** The endpoints to try for `domain` (as in a reference: docker.io, localhost:5000, ghcr.io), in order. */
export function endpointsFor(domain: string, config: RegistryConfig): Endpoint[] {
  const out: Endpoint[] = [];
  if (domain === 'docker.io') {
    for (const mirror of config.registryMirrors) {
      const base = new URL(mirror.includes('://') ? mirror : `https://${mirror}`);
      out.push({ ...endpoint(base.host, config), base: new URL(`${base.origin}/`), mirror: true });
    }
    out.push(endpoint('registry-1.docker.io', config));
    return out;
  }
  return [endpoint(domain, config)];
}

function endpoint(host: string, config: RegistryConfig): Endpoint {
  const insecure = isListedInsecure(host, config.insecureRegistries);
  return {
    base: new URL(`https://${host}/`),
    tls: { ...tlsFiles(join(config.configDir, 'certs.d', host.replace(/:443$/, ''))), rejectUnauthorized: !insecure },
    plainHttpFallback: insecure || isLoopback(host),
    mirror: false,
  };
}

/** `localhost`, 127.0.0.0/8 and ::1, with or without a port. */
export function isLoopback(host: string): boolean {
  const name = hostName(host);
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Entries are `host`, `host:port` or an IPv4 CIDR, as in dockerd's insecure-registries. */
export function isListedInsecure(host: string, list: readonly string[]): boolean {
  const name = hostName(host);
  return list.some((entry) => {
    const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(entry);
    if (cidr) return ipv4InCidr(name, cidr[1] as string, Number(cidr[2]));
    return entry.replace(/^https?:\/\//, '').replace(/\/+$/, '') === host || entry === name;
  });
}

function hostName(host: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(host);
  if (v6) return v6[1] as string;
  return host.replace(/:\d+$/, '');
}

function ipv4InCidr(ip: string, net: string, bits: number): boolean {
  const num = (s: string): number | undefined => {
    const parts = s.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return undefined;
    return parts.reduce((a, p) => a * 256 + p, 0);
  };
  const a = num(ip);
  const b = num(net);
  if (a === undefined || b === undefined || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

/** Docker's certs.d folder: every `*.crt` is a CA (added to the system's), `<name>.cert` + `<name>.key` a client cert. */
function tlsFiles(dir: string): { ca?: string[]; cert?: string; key?: string } {
  if (!existsSync(dir)) return {};
  const names = readdirSync(dir).sort();
  const cas = names.filter((n) => n.endsWith('.crt')).map((n) => readFileSync(join(dir, n), 'utf8'));
  const certName = names.find((n) => n.endsWith('.cert') && names.includes(n.replace(/\.cert$/, '.key')));
  return {
    ...(cas.length > 0 ? { ca: [...rootCertificates, ...cas] } : {}),
    ...(certName === undefined
      ? {}
      : {
          cert: readFileSync(join(dir, certName), 'utf8'),
          key: readFileSync(join(dir, certName.replace(/\.cert$/, '.key')), 'utf8'),
        }),
  };
}
