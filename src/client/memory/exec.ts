// Exec in the in-memory engine: a process in a running container, run through the same interpreter as the
// container's own command (process.ts). Its exit code is known before its output ends, so an inspect after the
// output ends always sees it; a command that does not end runs until the container does (then 137).
import { PassThrough } from 'node:stream';
import type { EngineClient, ExecDetails, ProcessStream } from '../types.js';
import { containerAttributes } from './container-create.js';
import { awaitEvent, frame } from './container-io.js';
import { isRunning } from './network-attach.js';
import { runCommand } from './process.js';
import type { ExecRecord, MemoryState } from './state.js';
import { engineError } from './state.js';

export function memoryExec(s: MemoryState): EngineClient['exec'] {
  const find = (id: string): ExecRecord => {
    const e = s.execs.get(id);
    if (!e) throw engineError('not-found', `No such exec instance: ${id}`);
    return e;
  };
  return {
    create: async (container, req) => {
      const c = s.container(container);
      if (c.status === 'paused') {
        throw engineError('conflict', `Container ${c.id} is paused, unpause the container before exec`);
      }
      if (!isRunning(c)) throw engineError('conflict', `Container ${c.id} is not running`);
      if (req.cmd.length === 0) throw engineError('invalid', 'No exec command specified');
      const id = s.newId('exec');
      s.execs.set(id, { id, containerId: c.id, cmd: [...req.cmd], running: false, pid: 0 });
      s.record('exec.create', c.name);
      s.emit('container', `exec_create: ${req.cmd.join(' ')}`, c.id, { ...containerAttributes(c), execID: id });
      return { id };
    },
    start: async (id, opts) => startExec(s, find(id), opts),
    inspect: async (id): Promise<ExecDetails> => {
      const e = find(id);
      const out: ExecDetails = { id: e.id, running: e.running, pid: e.pid, containerId: e.containerId };
      if (e.exitCode !== undefined) out.exitCode = e.exitCode;
      return out;
    },
    resize: async (id) => {
      find(id);
    },
  };
}

function startExec(s: MemoryState, e: ExecRecord, opts: { tty: boolean; detach?: boolean }): ProcessStream {
  if (e.running) throw engineError('conflict', `Error: Exec command ${e.id} is already running`);
  if (e.exitCode !== undefined) throw engineError('conflict', `Error: Exec command ${e.id} has already run`);
  const c = s.container(e.containerId);
  if (!isRunning(c)) throw engineError('conflict', `Container ${c.id} is not running`);
  s.record('exec.start', c.name);
  const label = e.cmd.join(' ');
  const attrs = { ...containerAttributes(c), execID: e.id };
  s.emit('container', `exec_start: ${label}`, c.id, attrs);
  const outcome = runCommand(e.cmd, c.files);
  const output = new PassThrough();
  if (opts.detach !== true) {
    for (const chunk of outcome.output) output.write(opts.tty ? chunk.data : frame(chunk.stream, chunk.data));
  }
  const finish = (exitCode: number): void => {
    e.running = false;
    e.pid = 0;
    e.exitCode = exitCode;
    s.emit('container', 'exec_die', c.id, { ...attrs, exitCode: String(exitCode) });
    output.end();
  };
  if (outcome.exitCode !== undefined) {
    finish(outcome.exitCode);
    return { output, close: () => output.destroy() };
  }
  e.running = true;
  e.pid = s.newPid();
  const ac = new AbortController();
  const cursor = s.events.length;
  awaitEvent(s, cursor, (ev) => (ev.id === c.id && ev.action === 'die' ? true : undefined), ac.signal).then(
    () => finish(137),
    () => output.end(),
  );
  return { output, close: () => ac.abort() };
}
