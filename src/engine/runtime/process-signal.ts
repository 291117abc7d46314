// Signals a container's first process from berthd itself, without a `runc kill` process (two of them for a stop
// with `-t 0`, ~10 ms of CPU each): by its host pid, once /proc/<pid>/stat shows that the pid still names the
// process that was started. That start time check is runc's own guard against a pid the kernel has since given to
// another process.
import { readFileSync } from 'node:fs';

/** What berthd reads of /proc/<pid>/stat: the process state (field 3) and its start time (field 22). */
export interface ProcStat {
  /** "R", "S", ...; "Z" for a zombie, "X" for a dead one. */
  state: string;
  /** Clock ticks since boot. */
  startTime: string;
}

/**
 * /proc/<pid>/stat of `pid`, or undefined when there is no such process. A container's start time is read once
 * at its start and compared before each signal.
 */
export function readProcStat(pid: number): ProcStat | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** When process `pid` started (field 22 of /proc/<pid>/stat), or undefined when there is no such process. */
export function processStartTime(pid: number): string | undefined {
  return readProcStat(pid)?.startTime;
}

/** Fields 3 and 22 of a /proc/<pid>/stat line. The name (field 2) is in parentheses and may hold spaces and ")". */
export function parseProcStat(stat: string): ProcStat | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(' '); // fields[0] is field 3
  const [state, startTime] = [fields[0], fields[22 - 3]];
  return state !== undefined && startTime !== undefined && /^\d+$/.test(startTime) ? { state, startTime } : undefined;
}

/**
 * Sends `signal` (a number) to `pid` if it is still the process that started at `startTime`: "sent", or "gone"
 * when that process has ended (its pid free or another process's).
 */
export function signalProcess(pid: number, startTime: string, signal: number): 'sent' | 'gone' {
  if (processStartTime(pid) !== startTime) return 'gone';
  try {
    process.kill(pid, signal);
    return 'sent';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
    throw e;
  }
}
