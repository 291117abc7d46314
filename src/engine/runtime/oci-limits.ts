// cgroup resources and rlimits from HostConfig, with moby's defaults and checks (daemon_unix.go
// adaptContainerSettings / verifyPlatformContainerResources, oci_linux.go getCPUResources). Pure.
import { EngineError } from '../errors.js';
import { RLIM_INFINITY } from './oci-types.js';
import type { OciDeviceRule, OciResources, OciRlimit } from './oci-types.js';
import type { HostResourceConfig, Ulimit } from './spec-input.js';

/** moby's linuxMinMemory: smaller limits cannot start a runc container reliably. */
export const MIN_MEMORY = 6 * 1024 * 1024;
/** The CFS period Docker uses for --cpus (100 ms, in microseconds). */
export const CPU_PERIOD_US = 100_000;

// The devices cgroup: deny everything; runc appends its defaults (null, zero, full, tty, random, urandom, pts,
// ptmx) after these rules. moby additionally spells out a few of those; runc's list already covers them.
const DENY_ALL_DEVICES: OciDeviceRule = { allow: false, access: 'rwm' };
const ALLOW_ALL_DEVICES: OciDeviceRule = { allow: true, access: 'rwm' };

export function buildResources(host: HostResourceConfig): OciResources {
  const resources: OciResources = { devices: [host.Privileged ? ALLOW_ALL_DEVICES : DENY_ALL_DEVICES] };
  const memory = host.Memory ?? 0;
  let swap = host.MemorySwap ?? 0;
  if (memory > 0 && memory < MIN_MEMORY) invalid('Minimum memory limit allowed is 6MB');
  if (swap > 0 && memory <= 0) invalid('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (swap > 0 && swap < memory) invalid('Minimum memoryswap limit should be larger than memory limit, see usage');
  // Docker's default: as much swap as memory (memory+swap = 2x memory).
  if (memory > 0 && swap === 0) swap = memory * 2;
  if (memory > 0) resources.memory = { limit: memory, swap };

  const nano = host.NanoCpus ?? 0;
  const period = host.CpuPeriod ?? 0;
  const quota = host.CpuQuota ?? 0;
  if (nano < 0) invalid('Range of CPUs is from 0.01 to the number of CPUs available to the daemon');
  if (nano > 0 && (period > 0 || quota > 0))
    invalid('Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set');
  if (period !== 0 && (period < 1000 || period > 1_000_000))
    invalid('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  if (quota > 0 && quota < 1000) invalid('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (nano > 0) {
    cpu.period = CPU_PERIOD_US;
    cpu.quota = Math.floor((nano * CPU_PERIOD_US) / 1e9);
  }
  if (period > 0) cpu.period = period;
  if (quota !== 0) cpu.quota = quota;
  // Out-of-range shares are clamped as the kernel would (moby warns and clamps too).
  if (host.CpuShares) cpu.shares = Math.min(262_144, Math.max(2, host.CpuShares));
  if (Object.keys(cpu).length > 0) resources.cpu = cpu;

  if (host.PidsLimit && host.PidsLimit > 0) resources.pids = { limit: host.PidsLimit };
  return resources;
}

// Docker's ulimit names (docker/go-units).
const ULIMIT_NAMES = new Set([
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
]);

/**
 * Only the ulimits asked for, each clamped to the caller's hard limit (`hardLimits`, keyed RLIMIT_NOFILE):
 * a process cannot raise a hard limit without CAP_SYS_RESOURCE, so runc would fail the whole create. The soft
 * limit is then clamped to the (clamped) hard one. A negative value means unlimited, as in the Docker API.
 */
export function buildRlimits(
  ulimits: readonly Ulimit[],
  hardLimits: Readonly<Record<string, number>> = {},
): OciRlimit[] {
  const byType = new Map<string, OciRlimit>();
  for (const u of ulimits) {
    const name = u.Name.toLowerCase();
    if (!ULIMIT_NAMES.has(name)) invalid(`invalid ulimit type: ${u.Name}`);
    const requestedHard = u.Hard < 0 ? RLIM_INFINITY : u.Hard;
    const requestedSoft = u.Soft < 0 ? RLIM_INFINITY : u.Soft;
    if (requestedSoft > requestedHard)
      invalid(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    const type = `RLIMIT_${name.toUpperCase()}`;
    const hard = Math.min(requestedHard, hardLimits[type] ?? RLIM_INFINITY);
    byType.set(type, { type, hard, soft: Math.min(requestedSoft, hard) });
  }
  return [...byType.values()];
}

function invalid(message: string): never {
  throw new EngineError('invalid', 'ENGINE_INVALID_RESOURCES', message);
}
