// A container's life in the in-memory engine: start runs the command through process.ts (a command that ends
// ends the container at once), stop and kill end it as they end a busybox PID 1 (which has no handler for
// SIGTERM, so only SIGKILL ends it: exit code 137), the restart policy brings back a container whose process
// ended on its own, and removal passes through "removing" for one tick so a second removal meanwhile is a conflict.
import type { LogChunk } from '../types.js';
import type { ContainerRecord, MemoryState } from './state.js';
import { engineError } from './state.js';
import { containerAttributes, hasHealthcheck } from './container-create.js';
import { announceEndpoints, isRunning } from './network-attach.js';
import { runCommand } from './process.js';
import { removeVolume } from './volumes.js';

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15 };

/** "SIGKILL", "KILL" or "9" to its number; anything else is invalid, as dockerd says. */
export function signalNumber(signal: string): number {
  if (/^\d+$/.test(signal) && Number(signal) > 0 && Number(signal) < 65) return Number(signal);
  const n = SIGNALS[signal.toUpperCase().replace(/^SIG/, '')];
  if (n === undefined) throw engineError('invalid', `Invalid signal: ${signal}`);
  return n;
}

export function startContainer(s: MemoryState, ref: string): void {
  const c = s.container(ref);
  if (c.status === 'removing' || c.status === 'dead') {
    throw engineError('conflict', `container ${c.id} is marked for removal and cannot be started`);
  }
  if (c.status === 'paused') {
    throw engineError('conflict', 'cannot start a paused container, try unpause instead');
  }
  if (isRunning(c)) return; // not-modified: a start of a running container succeeds
  for (const n of c.networks.keys()) s.network(n);
  s.record('containers.start', c.name);
  runProcess(s, c);
}

/** Starts the container's process and, for a command that ends, ends it at once. */
function runProcess(s: MemoryState, c: ContainerRecord): void {
  beginProcess(s, c);
  const outcome = runCommand(c.command, c.files, c.body.OpenStdin === true);
  for (const chunk of outcome.output) appendOutput(s, c, chunk);
  if (outcome.exitCode !== undefined) endProcess(s, c, { exitCode: outcome.exitCode, byUser: false });
}

/** Adds output of a container's process, split into lines as a log driver stores them. */
export function appendOutput(s: MemoryState, c: ContainerRecord, chunk: LogChunk): void {
  const text = chunk.data.toString('utf8');
  // A TTY merges the streams: everything is stdout, as with a real terminal.
  const stream = c.body.Tty === true ? 'stdout' : chunk.stream;
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    c.logs.push({ stream, data: Buffer.from(line), time: s.isoNow() });
  }
  s.notify();
}

function beginProcess(s: MemoryState, c: ContainerRecord): void {
  c.status = 'running';
  c.pid = s.newPid();
  c.exitCode = 0;
  c.stoppedByUser = false;
  c.startedAt = s.isoNow();
  if (hasHealthcheck(c)) c.health = { status: 'starting', failingStreak: 0, log: [] };
  announceEndpoints(s, c, 'connect');
  s.emit('container', 'start', c.id, containerAttributes(c));
}

/**
 * The container's process ended with `exitCode`. Unless a user ended it, the restart policy brings it back
 * after dockerd's back-off (100 ms, doubling; `restartDelayMs` of the engine's options), "restarting" meanwhile:
 * the one timer of the fake, because a restart loop run at once would never yield.
 */
export function endProcess(s: MemoryState, c: ContainerRecord, end: { exitCode: number; byUser: boolean }): void {
  if (c.status === 'restarting') {
    // Stopped during the back-off: no process to end, and no restart to come.
    c.status = 'exited';
    c.stoppedByUser = end.byUser;
    return;
  }
  if (!isRunning(c)) return;
  c.status = 'exited';
  c.exitCode = end.exitCode;
  c.pid = 0;
  c.finishedAt = s.isoNow();
  c.stoppedByUser = end.byUser;
  announceEndpoints(s, c, 'disconnect');
  s.emit('container', 'die', c.id, { ...containerAttributes(c), exitCode: String(end.exitCode) });
  if (!end.byUser && restartsAfter(c, end.exitCode)) {
    c.status = 'restarting';
    const timer = setTimeout(() => {
      if (c.status !== 'restarting' || !s.containers.has(c.id)) return;
      c.restartCount += 1;
      runProcess(s, c);
    }, s.restartDelayMs(c.restartCount));
    timer.unref();
    return;
  }
  if (c.body.HostConfig.AutoRemove === true) destroyContainer(s, c, true);
}

function restartsAfter(c: ContainerRecord, exitCode: number): boolean {
  const policy = c.body.HostConfig.RestartPolicy;
  switch (policy?.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure': {
      const max = policy.MaximumRetryCount ?? 0;
      return exitCode !== 0 && (max === 0 || c.restartCount < max);
    }
    default:
      return false;
  }
}

export function stopContainer(s: MemoryState, ref: string, opts: { signal?: string } = {}): void {
  const c = s.container(ref);
  if (!isRunning(c)) return; // not-modified: a stop of a stopped container succeeds
  s.record('containers.stop', c.name);
  const signal = signalNumber(opts.signal ?? c.body.StopSignal ?? 'SIGTERM');
  s.emit('container', 'kill', c.id, { ...containerAttributes(c), signal: String(signal) });
  if (signal !== 9) s.emit('container', 'kill', c.id, { ...containerAttributes(c), signal: '9' });
  endProcess(s, c, { exitCode: 137, byUser: true });
  s.emit('container', 'stop', c.id, containerAttributes(c));
}

export function killContainer(s: MemoryState, ref: string, signal = 'SIGKILL'): void {
  const c = s.container(ref);
  const n = signalNumber(signal);
  if (!isRunning(c)) throw engineError('conflict', `Container ${c.id} is not running`);
  s.record('containers.kill', c.name);
  s.emit('container', 'kill', c.id, { ...containerAttributes(c), signal: String(n) });
  // Only SIGKILL ends a PID 1 without handlers, as the busybox processes the fake stands for.
  if (n === 9) endProcess(s, c, { exitCode: 137, byUser: true });
}

export function restartContainer(s: MemoryState, ref: string): void {
  const c = s.container(ref);
  if (isRunning(c)) stopContainer(s, ref);
  s.record('containers.restart', c.name);
  startContainer(s, c.id);
  s.emit('container', 'restart', c.id, containerAttributes(c));
}

export function pauseContainer(s: MemoryState, ref: string, pause: boolean): void {
  const c = s.container(ref);
  if (pause && c.status !== 'running') throw engineError('conflict', `Container ${c.id} is not running`);
  if (!pause && c.status !== 'paused') throw engineError('conflict', `Container ${c.id} is not paused`);
  s.record(pause ? 'containers.pause' : 'containers.unpause', c.name);
  c.status = pause ? 'paused' : 'running';
  s.emit('container', pause ? 'pause' : 'unpause', c.id, containerAttributes(c));
}

export function renameContainer(s: MemoryState, ref: string, newName: string): void {
  const c = s.container(ref);
  const name = newName.replace(/^\//, '');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) {
    throw engineError('invalid', `Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  if (name === c.name) {
    throw engineError('invalid', 'Renaming a container with the same name as its current name');
  }
  const other = s.findContainer(name);
  if (other && other.name === name) {
    throw engineError(
      'conflict',
      `Conflict. The container name "/${name}" is already in use by container "${other.id}"`,
    );
  }
  s.record('containers.rename', `${c.name} ${name}`);
  const oldName = c.name;
  c.name = name;
  s.emit('container', 'rename', c.id, { ...containerAttributes(c), oldName: `/${oldName}` });
}

export async function removeContainer(
  s: MemoryState,
  ref: string,
  opts: { force?: boolean; volumes?: boolean } = {},
): Promise<void> {
  const c = s.container(ref);
  if (c.status === 'removing') {
    throw engineError('conflict', `removal of container ${c.id} is already in progress`);
  }
  if (isRunning(c) && opts.force !== true) {
    throw engineError(
      'conflict',
      `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
      'stop it first, or remove it with force',
    );
  }
  s.record('containers.remove', c.name);
  if (isRunning(c)) {
    s.emit('container', 'kill', c.id, { ...containerAttributes(c), signal: '9' });
    endProcess(s, c, { exitCode: 137, byUser: true });
  }
  c.status = 'removing';
  // One tick in "removing", so that a removal that comes meanwhile meets the conflict dockerd answers.
  await Promise.resolve();
  destroyContainer(s, c, opts.volumes === true);
}

function destroyContainer(s: MemoryState, c: ContainerRecord, volumes: boolean): void {
  if (!s.containers.has(c.id)) return;
  s.containers.delete(c.id);
  for (const e of s.execs.values()) if (e.containerId === c.id) s.execs.delete(e.id);
  s.emit('container', 'destroy', c.id, containerAttributes(c));
  if (volumes) for (const v of c.anonymousVolumes) removeVolume(s, v);
}
