// runc's own state file, <runc root>/<id>/state.json (libcontainer's State), which berthd reads where a runc process
// would cost more than the answer: the start through exec.fifo (exec-fifo.ts) and the release of a stopped
// container (Runc.release). Only the fields read here; anything missing makes the caller fall back to runc.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RuncStateFile {
  init_process_pid?: number;
  init_process_start?: number | string;
  cgroup_paths?: Record<string, string>;
  config?: { namespaces?: Array<{ type?: string; path?: string }>; hooks?: Record<string, unknown[]> | null };
}

/** The state file of the container whose runc state folder is `stateDir`, or undefined when it cannot be read. */
export function readRuncStateFile(stateDir: string): RuncStateFile | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as RuncStateFile;
  } catch {
    return undefined;
  }
}

/** The init process the file names: its pid and start time (clock ticks, /proc/<pid>/stat field 22). */
export function initProcess(state: RuncStateFile): { pid: number; start: string } | undefined {
  const pid = Number(state.init_process_pid);
  if (!Number.isInteger(pid) || pid <= 0 || state.init_process_start === undefined) return undefined;
  return { pid, start: String(state.init_process_start) };
}
