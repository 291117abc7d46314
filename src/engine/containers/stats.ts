// Resource usage of a running container in Docker's shapes: `docker stats` JSON built from `runc events --stats`
// and /proc/stat, and `docker top` rows built from `runc ps` pids and /proc/<pid>. Reads /proc; no state of its own.
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { RuncBlkioEntry, RuncStats } from '../runtime/runc-stats.js';
import type { ContainerRecord } from './container-store.js';

// USER_HZ: the unit of /proc/stat and /proc/<pid>/stat times; 100 on every Linux ABI Node runs on.
const TICKS_PER_SECOND = 100;
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The host's CPU time so far (nanoseconds, as Docker's system_cpu_usage) and how many CPUs are online. */
export interface HostCpu {
  systemUsage: number;
  onlineCpus: number;
}

/** One runc sample with the host CPU time read next to it, so two samples give a CPU percentage. */
export interface StatsSample {
  read: string;
  runc: RuncStats;
  host: HostCpu;
}

export function readHostCpu(procStat = '/proc/stat'): HostCpu {
  const lines = readFileSync(procStat, 'utf8').split('\n');
  // Docker sums user, nice, system, idle, iowait, irq and softirq of the "cpu" line (getSystemCPUUsage).
  const total = (lines[0] ?? '')
    .split(/\s+/)
    .slice(1, 8)
    .reduce((sum, v) => sum + Number(v || 0), 0);
  return {
    systemUsage: (total * 1e9) / TICKS_PER_SECOND,
    onlineCpus: lines.filter((l) => /^cpu\d+ /.test(l)).length,
  };
}

/**
 * The Docker Engine API stats object. `prev` fills precpu_stats (zeros when absent, as Docker's first sample);
 * `sample` undefined gives the all-zero object Docker sends for a container that is not running.
 */
export function dockerStatsJson(c: ContainerRecord, sample?: StatsSample, prev?: StatsSample): Record<string, unknown> {
  const memory = sample?.runc.memory;
  // An unlimited cgroup reports a limit near 2^63; Docker shows the host's memory instead.
  const limit = Math.min(memory?.usage?.limit ?? 0, totalmem());
  const pids = sample?.runc.pids;
  return {
    read: sample?.read ?? ZERO_TIME,
    preread: prev?.read ?? ZERO_TIME,
    id: c.id,
    name: `/${c.name}`,
    pids_stats: pids ? { current: pids.current ?? 0, ...(pids.limit ? { limit: pids.limit } : {}) } : {},
    blkio_stats: {
      io_service_bytes_recursive: blkio(sample?.runc.blkio?.ioServiceBytesRecursive),
      io_serviced_recursive: blkio(sample?.runc.blkio?.ioServicedRecursive),
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuJson(sample),
    precpu_stats: cpuJson(prev),
    memory_stats: sample
      ? {
          usage: memory?.usage?.usage ?? 0,
          max_usage: memory?.usage?.max ?? 0,
          failcnt: memory?.usage?.failcnt ?? 0,
          limit,
          stats: memory?.raw ?? {},
        }
      : {},
  };
}

function cpuJson(sample: StatsSample | undefined): Record<string, unknown> {
  const cpu = sample?.runc.cpu;
  return {
    cpu_usage: {
      total_usage: cpu?.usage?.total ?? 0,
      ...(cpu?.usage?.percpu ? { percpu_usage: cpu.usage.percpu } : {}),
      usage_in_kernelmode: cpu?.usage?.kernel ?? 0,
      usage_in_usermode: cpu?.usage?.user ?? 0,
    },
    ...(sample ? { system_cpu_usage: sample.host.systemUsage, online_cpus: sample.host.onlineCpus } : {}),
    throttling_data: {
      periods: cpu?.throttling?.periods ?? 0,
      throttled_periods: cpu?.throttling?.throttledPeriods ?? 0,
      throttled_time: cpu?.throttling?.throttledTime ?? 0,
    },
  };
}

function blkio(entries: readonly RuncBlkioEntry[] | undefined): Array<Required<RuncBlkioEntry>> {
  return (entries ?? []).map((e) => ({
    major: e.major ?? 0,
    minor: e.minor ?? 0,
    op: e.op ?? '',
    value: e.value ?? 0,
  }));
}

/** `docker top` with Docker's default `ps -ef` columns. */
export interface TopJson {
  Titles: string[];
  Processes: string[][];
}

const TITLES = ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'];

/** Rows for the given host pids; a process that exits while being read is left out. */
export function topJson(pids: readonly number[], now = Date.now()): TopJson {
  const bootSeconds = readBootTime();
  const users = readUserNames();
  const rows: string[][] = [];
  for (const pid of pids) {
    const row = processRow(pid, { bootSeconds, users, now });
    if (row) rows.push(row);
  }
  return { Titles: TITLES, Processes: rows };
}

function processRow(
  pid: number,
  host: { bootSeconds: number; users: Map<number, string>; now: number },
): string[] | undefined {
  let stat: string;
  let status: string;
  let cmdline: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: the fields after it start past the last ")".
  const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (n: number): number => Number(f[n - 3] ?? 0); // n: the 1-based field number of proc(5)
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  const cpuSeconds = (field(14) + field(15)) / TICKS_PER_SECOND;
  const startMs = (host.bootSeconds + field(22) / TICKS_PER_SECOND) * 1000;
  const elapsed = Math.max(1, (host.now - startMs) / 1000);
  const cmd = cmdline.replace(/\0+$/, '').split('\0').join(' ');
  return [
    host.users.get(uid) ?? String(uid),
    String(pid),
    String(field(4)),
    String(Math.floor((cpuSeconds / elapsed) * 100)),
    new Date(startMs).toTimeString().slice(0, 5),
    ttyName(field(7)),
    clock(cpuSeconds),
    cmd || `[${comm}]`,
  ];
}

function ttyName(dev: number): string {
  if (dev === 0) return '?';
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  return major === 136 ? `pts/${minor}` : `tty${minor}`;
}

function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

function readBootTime(): number {
  return Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0);
}

// ps names users from the host's passwd, as `docker top` (which runs ps on the host) does.
function readUserNames(): Map<number, string> {
  const users = new Map<number, string>();
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name && uid !== undefined) users.set(Number(uid), name);
    }
  } catch {
    // no passwd: numeric uids
  }
  return users;
}
