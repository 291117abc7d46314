// How berthd signals a container. As dockerd does, a signal goes to the container's first process alone; when the
// container has a pid namespace of its own, that process is its init and a SIGKILL ends every process in it. Sent
// from berthd (runtime/process-signal.ts), it costs no process; `runc kill --all` (every process of the cgroup)
// remains for a container in another's or the host's pid namespace, a signal Node has no number for (real-time
// ones), and a record from a berthd that did not keep start times.
import { setTimeout as delay } from 'node:timers/promises';
import type { Runc } from '../runtime/runc.js';
import { signalProcess } from '../runtime/process-signal.js';
import type { ContainerRecord } from './container-store.js';
import { signalNumber } from './signals.js';

/** Sends `signal` to `c`; a process that has just ended is not an error (its exit is recorded as usual). */
export async function signalContainer(runc: Runc, c: ContainerRecord, signal: string): Promise<void> {
  const n = signalNumber(signal);
  if (n !== undefined && c.pidStartTime !== undefined && c.state.Pid > 0 && ownPidNamespace(c)) {
    signalProcess(c.state.Pid, c.pidStartTime, n);
    return;
  }
  await runc.kill(c.id, signal, { all: true });
}

/** Whether `c` runs in a pid namespace of its own (PidMode neither "host" nor "container:<id>"). */
function ownPidNamespace(c: Pick<ContainerRecord, 'hostConfig'>): boolean {
  const mode = String(c.hostConfig.PidMode ?? '');
  return mode !== 'host' && !mode.startsWith('container:');
}

/** Resolves true once `seconds` have passed; never for a negative grace period (Docker's "wait as long as it takes"). */
export function graceOver(seconds: number): Promise<boolean> {
  return seconds < 0 ? new Promise<boolean>(() => undefined) : delay(seconds * 1000).then(() => true);
}
