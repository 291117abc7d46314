// HostConfig apart from mounts and networking, as Compose's create.go sets it: security, namespaces, DNS, the
// restart policy, logging, and the cgroup resources of getDeployResources, where deploy.resources.limits and
// reservations override the service-level keys.
import { posix } from 'node:path';
import type { DeviceRequest, HostConfig, Resources, RestartPolicy, ThrottleDevice } from '../client/api-types.js';
import type { Service } from '../spec/model.js';
import { parseBytes } from '../spec/syntax/bytes.js';
import { parseDuration } from '../spec/syntax/duration.js';
import type { SpecNotes } from './container-refs.js';
import { resolveServiceMode } from './container-refs.js';
import type { ContainerSpecInput } from './container-spec.js';
import { asBoolean, asNumber, asRecord, asString, asStringList, asStringMap } from './model-values.js';

export function containerHostSettings(input: ContainerSpecInput, notes: SpecNotes): HostConfig {
  const { service } = input;
  const out: HostConfig = { ...containerResources(service) };
  const put = <K extends keyof HostConfig>(k: K, v: HostConfig[K] | undefined): void => {
    const empty = v === undefined || v === '' || v === false || v === 0;
    const emptyList = Array.isArray(v) && v.length === 0;
    const emptyMap = typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
    if (!empty && !emptyList && !emptyMap) out[k] = v;
  };
  put('Annotations', service.annotations);
  put('CapAdd', asStringList(service.cap_add));
  put('CapDrop', asStringList(service.cap_drop));
  // *bool in Compose: an explicit `init: false` is sent
  const init = asBoolean(service.init);
  if (init !== undefined) out.Init = init;
  put('IpcMode', resolveServiceMode(asString(service.ipc), 'ipc', input, notes));
  put('CgroupnsMode', asString(service.cgroup));
  put('ReadonlyRootfs', asBoolean(service.read_only));
  put('RestartPolicy', restartPolicy(service));
  put('ShmSize', service.shm_size);
  put('Sysctls', service.sysctls);
  put('Dns', service.dns);
  put('DnsSearch', service.dns_search);
  put('DnsOptions', service.dns_opt);
  put(
    'ExtraHosts',
    Object.entries(service.extra_hosts ?? {}).flatMap(([host, ips]) => ips.map((ip) => `${host}:${ip}`)),
  );
  const security = securityOptions(asStringList(service.security_opt) ?? [], input.workingDir);
  put('SecurityOpt', security.options);
  if (security.unconfined) {
    out.MaskedPaths = [];
    out.ReadonlyPaths = [];
  }
  put('StorageOpt', asStringMap(service.storage_opt));
  put('UsernsMode', asString(service.userns_mode));
  put('UTSMode', asString(service.uts));
  put('Privileged', asBoolean(service.privileged));
  put('PidMode', resolveServiceMode(asString(service.pid), 'pid', input, notes));
  put('Isolation', asString(service.isolation));
  put('Runtime', asString(service.runtime));
  const logging = asRecord(service.logging);
  if (logging) {
    out.LogConfig = { Type: asString(logging.driver) ?? '' };
    const options = asStringMap(logging.options);
    if (options && Object.keys(options).length > 0) out.LogConfig.Config = options;
  }
  put('GroupAdd', asStringList(service.group_add));
  put('OomScoreAdj', asNumber(service.oom_score_adj));
  return out;
}

const RESTART_NAMES: Record<string, string> = {
  none: 'no',
  no: 'no',
  'on-failure': 'on-failure',
  'unless-stopped': 'unless-stopped',
  any: 'always',
  always: 'always',
};

/** Compose getRestartPolicy: `restart` ("on-failure:3"), overridden by deploy.restart_policy. */
export function restartPolicy(service: Service): RestartPolicy | undefined {
  let policy: RestartPolicy | undefined;
  const restart = asString(service.restart);
  if (restart) {
    const [name = '', count = ''] = restart.split(':');
    policy = { Name: RESTART_NAMES[name] ?? name, MaximumRetryCount: /^\d+$/.test(count) ? Number(count) : 0 };
  }
  const deployed = asRecord(asRecord(service.deploy)?.restart_policy);
  if (deployed) {
    const condition = asString(deployed.condition) ?? '';
    policy = { Name: RESTART_NAMES[condition] ?? condition, MaximumRetryCount: asNumber(deployed.max_attempts) ?? 0 };
  }
  return policy;
}

/**
 * Compose parseSecurityOpts: "systempaths=unconfined" becomes empty MaskedPaths and ReadonlyPaths. A seccomp
 * profile file is named here by its path from the project folder; the shell that sends the request replaces it
 * with the file's JSON, as Compose does (inlineSeccompProfiles), since the planner reads no file.
 */
function securityOptions(opts: string[], workingDir: string): { options: string[]; unconfined: boolean } {
  const options: string[] = [];
  let unconfined = false;
  opts.forEach((opt) => {
    if (opt === 'systempaths=unconfined') {
      unconfined = true;
      return;
    }
    const eq = opt.indexOf('=');
    const sep = eq === -1 && opt !== 'no-new-privileges' ? opt.indexOf(':') : eq;
    const [name, value] = sep === -1 ? [opt, undefined] : [opt.slice(0, sep), opt.slice(sep + 1)];
    if (name === 'seccomp' && value !== undefined && value !== 'unconfined' && value !== 'builtin')
      options.push(`seccomp=${posix.resolve(workingDir, value)}`);
    else options.push(opt);
  });
  return { options, unconfined };
}

/** Compose getDeployResources: only what is set, so the Engine keeps its defaults for the rest. */
export function containerResources(service: Service): Resources {
  const r: Resources = {};
  const put = <K extends keyof Resources>(k: K, v: Resources[K] | undefined): void => {
    if (v !== undefined && v !== '' && v !== 0 && !(Array.isArray(v) && v.length === 0)) r[k] = v;
  };
  put('CgroupParent', asString(service.cgroup_parent));
  put('Memory', service.mem_limit);
  put('MemorySwap', service.memswap_limit);
  put('MemorySwappiness', asNumber(service.mem_swappiness));
  put('MemoryReservation', service.mem_reservation);
  const oomKillDisable = asBoolean(service.oom_kill_disable);
  if (oomKillDisable !== undefined) r.OomKillDisable = oomKillDisable;
  put('CpuCount', asNumber(service.cpu_count));
  put('CpuPeriod', asNumber(service.cpu_period));
  put('CpuQuota', asNumber(service.cpu_quota));
  put('CpuRealtimePeriod', microseconds(service.cpu_rt_period));
  put('CpuRealtimeRuntime', microseconds(service.cpu_rt_runtime));
  put('CpuShares', asNumber(service.cpu_shares));
  put('NanoCpus', service.cpus === undefined ? undefined : Math.round(service.cpus * 1e9));
  // Compose sends cpu_percent × 100 (create.go getDeployResources), a Windows-only key
  const cpuPercent = asNumber(service.cpu_percent);
  put('CpuPercent', cpuPercent === undefined ? undefined : Math.trunc(cpuPercent * 100));
  put('CpusetCpus', asString(service.cpuset));
  put('DeviceCgroupRules', asStringList(service.device_cgroup_rules));
  put('PidsLimit', asNumber(service.pids_limit));
  Object.assign(r, blkioResources(asRecord(service.blkio_config)));

  const resources = asRecord(asRecord(service.deploy)?.resources);
  const limits = asRecord(resources?.limits);
  const reservations = asRecord(resources?.reservations);
  put('Memory', asNumber(limits?.memory));
  put('NanoCpus', limits?.cpus === undefined ? undefined : Math.round((asNumber(limits.cpus) ?? 0) * 1e9));
  const pids = asNumber(limits?.pids);
  if (pids !== undefined && pids > 0) r.PidsLimit = pids;
  put('MemoryReservation', asNumber(reservations?.memory));

  const requests: DeviceRequest[] = [];
  for (const d of Array.isArray(reservations?.devices) ? reservations.devices : []) {
    requests.push(deviceRequest(asRecord(d) ?? {}, []));
  }
  const cdi: string[] = [];
  for (const d of service.devices ?? []) {
    // a CDI name ("vendor.com/class=name") is a device request to the cdi driver, not a path
    if (d.source === d.target && /^[a-z0-9][a-z0-9.-]*\/[a-zA-Z0-9][a-zA-Z0-9._-]*=.+$/.test(d.source)) {
      cdi.push(d.source);
      continue;
    }
    (r.Devices ??= []).push({ PathOnHost: d.source, PathInContainer: d.target, CgroupPermissions: d.permissions });
  }
  if (cdi.length > 0) requests.push({ Driver: 'cdi', DeviceIDs: cdi });
  const gpus = service.gpus === 'all' ? [{ count: 'all' }] : Array.isArray(service.gpus) ? service.gpus : [];
  for (const g of gpus) requests.push(deviceRequest(asRecord(g) ?? {}, ['gpu']));
  put('DeviceRequests', requests);

  const ulimits = Object.keys(service.ulimits ?? {}).sort();
  put(
    'Ulimits',
    ulimits.map((name) => {
      const u = service.ulimits?.[name] ?? { soft: 0, hard: 0 };
      return { Name: name, Soft: u.soft, Hard: u.hard };
    }),
  );
  return r;
}

/** deploy.resources.reservations.devices and gpus entries; count "all" is -1. */
function deviceRequest(d: Record<string, unknown>, extraCapabilities: string[]): DeviceRequest {
  const req: DeviceRequest = {};
  const driver = asString(d.driver);
  if (driver) req.Driver = driver;
  const count = d.count === 'all' ? -1 : asNumber(d.count);
  if (count) req.Count = count;
  const ids = asStringList(d.device_ids);
  if (ids?.length) req.DeviceIDs = ids;
  req.Capabilities = [[...(asStringList(d.capabilities) ?? []), ...extraCapabilities]];
  const options = asStringMap(d.options);
  if (options && Object.keys(options).length > 0) req.Options = options;
  return req;
}

function blkioResources(b: Record<string, unknown> | undefined): Resources {
  if (!b) return {};
  const r: Resources = {};
  const weight = asNumber(b.weight);
  if (weight) r.BlkioWeight = weight;
  const entries = (v: unknown): Array<Record<string, unknown>> =>
    Array.isArray(v) ? v.map((e) => asRecord(e) ?? {}) : [];
  const weights = entries(b.weight_device).map((e) => ({
    Path: asString(e.path) ?? '',
    Weight: asNumber(e.weight) ?? 0,
  }));
  if (weights.length > 0) r.BlkioWeightDevice = weights;
  const throttle = (v: unknown, rate: (x: unknown) => number): ThrottleDevice[] | undefined => {
    const list = entries(v).map((e) => ({ Path: asString(e.path) ?? '', Rate: rate(e.rate) }));
    return list.length > 0 ? list : undefined;
  };
  const bytes = (x: unknown): number => {
    const n = asNumber(x);
    if (n !== undefined) return n;
    const parsed = typeof x === 'string' ? parseBytes(x) : undefined;
    return parsed?.ok ? parsed.value : 0;
  };
  const count = (x: unknown): number => asNumber(x) ?? 0;
  const set = <K extends keyof Resources>(k: K, v: Resources[K] | undefined): void => {
    if (v !== undefined) r[k] = v;
  };
  set('BlkioDeviceReadBps', throttle(b.device_read_bps, bytes));
  set('BlkioDeviceWriteBps', throttle(b.device_write_bps, bytes));
  set('BlkioDeviceReadIOps', throttle(b.device_read_iops, count));
  set('BlkioDeviceWriteIOps', throttle(b.device_write_iops, count));
  return r;
}

/** cpu_rt_period and cpu_rt_runtime: microseconds as a number, or a duration. */
function microseconds(v: unknown): number | undefined {
  const n = asNumber(v);
  if (n !== undefined || typeof v !== 'string') return n;
  const d = parseDuration(v);
  return d.ok ? Math.round(d.value * 1000) : undefined;
}
