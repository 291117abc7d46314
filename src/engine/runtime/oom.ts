// Whether the kernel's OOM killer killed a process of a container, read from its memory cgroup. The cgroup
// lives until `runc delete`, so ask before deleting. Synchronous: a couple of small /sys reads.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OomOptions {
  /** Where cgroup file systems are mounted; default /sys/fs/cgroup. */
  cgroupRoot?: string;
}

/**
 * `cgroupsPath` is the spec's linux.cgroupsPath (an absolute cgroupfs path such as /berth/<id>).
 * cgroup v2 (unified): memory.events `oom_kill` > 0. cgroup v1: memory.oom_control `oom_kill` > 0 (kernel 4.13+),
 * which counts kills; memory.failcnt only says the limit was reached, which reclaim may have handled.
 * False when the cgroup is gone or unreadable.
 */
export function wasOomKilled(cgroupsPath: string, opts: OomOptions = {}): boolean {
  const root = opts.cgroupRoot ?? '/sys/fs/cgroup';
  const rel = cgroupsPath.replace(/^\/+/, '');
  const unified = existsSync(join(root, 'cgroup.controllers'));
  const file = unified ? join(root, rel, 'memory.events') : join(root, 'memory', rel, 'memory.oom_control');
  return counter(file, 'oom_kill') > 0;
}

function counter(file: string, key: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m?.[1] ? Number(m[1]) : 0;
}

/**
 * conmon's own record of an OOM kill: it writes `<persistDir>/oom` when the memory cgroup reports one. Unlike the
 * cgroup, the file survives `runc delete`, so it answers for containers deleted before their exit was read.
 */
export function hasConmonOomFile(persistDir: string): boolean {
  return existsSync(join(persistDir, 'oom'));
}
