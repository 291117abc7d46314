// One service from the raw tree to the model: every short syntax expanded, units converted, paths absolute.
// Runs only on a tree that passed the schema and the value checks, so parsers here do not fail on user input.
import type { DependsOn, Healthcheck, PortMapping, Service, VolumeMount } from '../model.js';
import { isRemoteContext, resolvePath } from '../paths.js';
import { parseBytes } from '../syntax/bytes.js';
import { parseCpus } from '../syntax/cpus.js';
import { parseDeviceShort } from '../syntax/devices.js';
import { parseDuration } from '../syntax/duration.js';
import { parseExtraHost } from '../syntax/extra-hosts.js';
import { parsePortShort } from '../syntax/ports.js';
import { parseVolumeShort } from '../syntax/volumes.js';
import type { Tree, TreeMap } from '../tree.js';
import { isList, isMap } from '../tree.js';
import { plain, splitShellWords, text, toList, toNullableMap, toStringMap } from './convert.js';
import { normalizeDevelop } from './develop.js';

export interface ServiceContext {
  projectDir: string;
  home: string | undefined;
  /** Variables for `environment` and `build.args` entries named without a value. */
  lookup: (name: string) => string | undefined;
  /** Variables read from the service's env_file entries, in order (environment overrides them). */
  envFromFiles: Record<string, string>;
}

const ms = (v: Tree | undefined): number | undefined => {
  if (v === undefined || v === null) return undefined;
  const r = parseDuration(v as string | number);
  return r.ok ? r.value : undefined;
};
const bytes = (v: Tree | undefined): number | undefined => {
  if (v === undefined || v === null) return undefined;
  const r = parseBytes(v as string | number);
  return r.ok ? r.value : undefined;
};

type Normalizer = (v: Tree, svc: TreeMap, ctx: ServiceContext) => unknown;

const normalizers: Record<string, Normalizer> = {
  build: normalizeBuild,
  command: commandLike,
  entrypoint: commandLike,
  environment: () => undefined, // done with env_file below
  env_file: (v, _s, ctx) => toEnvFiles(v, ctx),
  labels: (v) => toStringMap(v),
  annotations: (v) => toStringMap(v),
  sysctls: (v) => toStringMap(v),
  ports: (v) => (isList(v) ? v.flatMap(normalizePort) : []),
  expose: (v) => toList(v),
  volumes: (v, _s, ctx) => (isList(v) ? v.map((m) => normalizeVolume(m, ctx)) : []),
  networks: (v) => (isList(v) ? Object.fromEntries(v.map((n) => [text(n), null])) : normalizeServiceNetworks(v)),
  depends_on: normalizeDependsOn,
  healthcheck: normalizeHealthcheck,
  extra_hosts: (v) => normalizeExtraHosts(v),
  ulimits: (v) => normalizeUlimits(v),
  secrets: (v) => fileRefs(v),
  configs: (v) => fileRefs(v),
  dns: (v) => toList(v),
  dns_search: (v) => toList(v),
  dns_opt: (v) => toList(v),
  tmpfs: (v) => toList(v),
  cap_add: (v) => toList(v),
  cap_drop: (v) => toList(v),
  stop_grace_period: (v) => ms(v),
  mem_limit: (v) => bytes(v),
  mem_reservation: (v) => bytes(v),
  memswap_limit: (v) => bytes(v),
  shm_size: (v) => bytes(v),
  cpus: (v) => {
    const r = parseCpus(v as string | number);
    return r.ok ? r.value : undefined;
  },
  devices: (v) => (isList(v) ? v.map((d) => (typeof d === 'string' ? unwrap(parseDeviceShort(d)) : plain(d))) : []),
  deploy: (v) => normalizeDeploy(v),
  develop: (v, _s, ctx) => normalizeDevelop(v, ctx),
  label_file: (v, _s, ctx) => toList(v).map((p) => resolvePath(p, ctx.projectDir, ctx.home)),
};

function unwrap<T>(r: { ok: true; value: T } | { ok: false }): T | undefined {
  return r.ok ? r.value : undefined;
}

export function normalizeService(name: string, svc: TreeMap, ctx: ServiceContext): Service {
  const out: Service = { name };
  for (const key of Object.keys(svc)) {
    const f = normalizers[key];
    const value = f ? f(svc[key] as Tree, svc, ctx) : plain(svc[key]);
    if (value !== undefined) out[key] = value;
  }
  const environment = normalizeEnvironment(svc.environment, ctx);
  if (environment) out.environment = environment;
  if (!('networks' in svc) && !('network_mode' in svc)) out.networks = { default: null };
  return out;
}

function commandLike(v: Tree): string[] | null {
  if (v === null) return null;
  return typeof v === 'string' ? splitShellWords(v) : toList(v);
}

function normalizeEnvironment(v: Tree | undefined, ctx: ServiceContext): Record<string, string | null> | undefined {
  const hasFiles = Object.keys(ctx.envFromFiles).length > 0;
  if (v === undefined && !hasFiles) return undefined;
  const out: Record<string, string | null> = { ...ctx.envFromFiles };
  for (const [k, val] of Object.entries(toNullableMap(v))) {
    out[k] = val ?? ctx.lookup(k) ?? (k in ctx.envFromFiles ? (ctx.envFromFiles[k] as string) : null);
  }
  return out;
}

function toEnvFiles(v: Tree, ctx: ServiceContext): Array<{ path: string; required: boolean; format?: string }> {
  return (isList(v) ? v : [v]).map((e) => {
    if (isMap(e)) {
      const entry: { path: string; required: boolean; format?: string } = {
        path: resolvePath(text(e.path), ctx.projectDir, ctx.home),
        required: e.required !== false,
      };
      if (typeof e.format === 'string') entry.format = e.format;
      return entry;
    }
    return { path: resolvePath(text(e), ctx.projectDir, ctx.home), required: true };
  });
}

function normalizeBuild(v: Tree, _svc: TreeMap, ctx: ServiceContext): unknown {
  const b: TreeMap = isMap(v) ? v : ({ context: v } as TreeMap);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(b)) out[k] = plain(b[k]);
  const context = typeof b.context === 'string' ? b.context : '.';
  out.context = isRemoteContext(context) ? context : resolvePath(context, ctx.projectDir, ctx.home);
  if (!('dockerfile' in b) && !('dockerfile_inline' in b)) out.dockerfile = 'Dockerfile';
  if ('args' in b) {
    const args = toNullableMap(b.args);
    for (const k of Object.keys(args)) if (args[k] === null) args[k] = ctx.lookup(k) ?? null;
    out.args = args;
  }
  if ('labels' in b) out.labels = toStringMap(b.labels);
  if ('additional_contexts' in b) out.additional_contexts = toStringMap(b.additional_contexts);
  if ('extra_hosts' in b) out.extra_hosts = normalizeExtraHosts(b.extra_hosts as Tree);
  if ('shm_size' in b) out.shm_size = bytes(b.shm_size);
  return out;
}

function normalizePort(p: Tree): PortMapping[] {
  if (typeof p === 'string' || typeof p === 'number') return unwrap(parsePortShort(p)) ?? [];
  if (!isMap(p)) return [];
  const out: PortMapping = {
    mode: p.mode === 'host' ? 'host' : 'ingress',
    target: Number(p.target),
    protocol: text(p.protocol ?? 'tcp'),
  };
  if (typeof p.name === 'string') out.name = p.name;
  if (p.host_ip !== undefined && p.host_ip !== null) out.host_ip = text(p.host_ip);
  if (p.published !== undefined && p.published !== null && p.published !== '') out.published = text(p.published);
  if (typeof p.app_protocol === 'string') out.app_protocol = p.app_protocol;
  return [out];
}

function normalizeVolume(m: Tree, ctx: ServiceContext): VolumeMount {
  const v: VolumeMount =
    typeof m === 'string' ? (unwrap(parseVolumeShort(m)) as VolumeMount) : (plain(m) as VolumeMount);
  if (v.type === 'bind' && v.source) v.source = resolvePath(v.source, ctx.projectDir, ctx.home);
  if (v.type === 'tmpfs' && v.tmpfs && v.tmpfs.size !== undefined)
    v.tmpfs.size = bytes(v.tmpfs.size as unknown as Tree);
  if (v.type === 'volume' && !v.volume && v.source) v.volume = {};
  return v;
}

function normalizeServiceNetworks(v: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isMap(v)) return out;
  for (const k of Object.keys(v)) out[k] = v[k] === null ? null : plain(v[k]);
  return out;
}

function normalizeDependsOn(v: Tree): Record<string, DependsOn> {
  const out: Record<string, DependsOn> = {};
  if (isList(v)) for (const name of v.map(text)) out[name] = { condition: 'service_started', required: true };
  if (isMap(v)) {
    for (const name of Object.keys(v)) {
      const d = isMap(v[name]) ? (v[name] as TreeMap) : {};
      const dep: DependsOn = {
        condition: (d.condition as DependsOn['condition'] | undefined) ?? 'service_started',
        required: d.required !== false,
      };
      if (typeof d.restart === 'boolean') dep.restart = d.restart;
      out[name] = dep;
    }
  }
  return out;
}

function normalizeHealthcheck(v: Tree): Healthcheck {
  const h = isMap(v) ? v : {};
  const out: Healthcheck = {};
  if (h.test !== undefined) out.test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : toList(h.test);
  for (const k of ['interval', 'timeout', 'start_period', 'start_interval'] as const) {
    const d = ms(h[k]);
    if (d !== undefined) out[k] = d;
  }
  if (typeof h.retries === 'number') out.retries = h.retries;
  if (typeof h.disable === 'boolean') out.disable = h.disable;
  return out;
}

function normalizeExtraHosts(v: Tree): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (host: string, ips: string[]): void => {
    out[host] = [...(out[host] ?? []), ...ips];
  };
  if (isList(v)) {
    for (const e of v) {
      const parsed = parseExtraHost(text(e));
      if (parsed.ok) add(parsed.value.host, parsed.value.ips);
    }
  } else if (isMap(v)) {
    for (const k of Object.keys(v)) add(k, toList(v[k]));
  }
  return out;
}

function normalizeUlimits(v: Tree): Record<string, { soft: number; hard: number }> {
  const out: Record<string, { soft: number; hard: number }> = {};
  if (!isMap(v)) return out;
  for (const k of Object.keys(v)) {
    const u = v[k];
    out[k] = isMap(u) ? { soft: Number(u.soft), hard: Number(u.hard) } : { soft: Number(u), hard: Number(u) };
  }
  return out;
}

function fileRefs(v: Tree): unknown[] {
  return isList(v) ? v.map((e) => (isMap(e) ? plain(e) : { source: text(e) })) : [];
}

function normalizeDeploy(v: Tree): unknown {
  const d = plain(v) as Record<string, unknown>;
  const resources = d.resources as Record<string, Record<string, unknown>> | undefined;
  for (const part of ['limits', 'reservations']) {
    const r = resources?.[part];
    if (!r) continue;
    if (r.memory !== undefined) r.memory = bytes(r.memory as Tree);
    if (r.cpus !== undefined) r.cpus = unwrap(parseCpus(r.cpus as string | number));
  }
  for (const [section, keys] of [
    ['restart_policy', ['delay', 'window']],
    ['update_config', ['delay', 'monitor']],
    ['rollback_config', ['delay', 'monitor']],
  ] as const) {
    const s = d[section] as Record<string, unknown> | undefined;
    for (const k of keys) if (s && s[k] !== undefined) s[k] = ms(s[k] as Tree);
  }
  return d;
}
