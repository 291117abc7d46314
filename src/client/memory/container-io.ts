// Waiting for, reading and attaching to containers of the in-memory engine. Waiters follow the event history
// (a `die` or `destroy` of the container after the call) rather than the state, because a container that a
// restart policy brings back is running again by the time a waiter would look.
import { PassThrough } from 'node:stream';
import type { ContainerExit, LogChunk, LogOptions, ProcessStream } from '../types.js';
import { appendOutput, endProcess } from './lifecycle.js';
import { isRunning } from './network-attach.js';
import type { ContainerRecord, MemoryState } from './state.js';
import { engineError } from './state.js';

type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** Resolves with the first event after `cursor` that `pick` maps to a value; rejects when `signal` aborts. */
export async function awaitEvent<T>(
  s: MemoryState,
  cursor: number,
  pick: (e: MemoryState['events'][number]) => T | undefined,
  signal?: AbortSignal,
): Promise<T> {
  for (let seen = cursor; ;) {
    for (; seen < s.events.length; seen++) {
      const e = s.events[seen];
      const v = e === undefined ? undefined : pick(e);
      if (v !== undefined) return v;
    }
    if (!(await s.nextChange(signal))) throw signal?.reason ?? new Error('aborted');
  }
}

export async function waitContainer(
  s: MemoryState,
  ref: string,
  opts: { condition?: WaitCondition; signal?: AbortSignal; onWaiting?: () => void } = {},
): Promise<ContainerExit> {
  const c = s.container(ref);
  const condition = opts.condition ?? 'not-running';
  // The wait is held from here: a start after this call cannot be missed.
  opts.onWaiting?.();
  if (condition === 'not-running' && !isRunning(c)) return { exitCode: c.exitCode };
  const action = condition === 'removed' ? 'destroy' : 'die';
  return awaitEvent(
    s,
    s.events.length,
    (e) =>
      e.type === 'container' && e.id === c.id && e.action === action
        ? { exitCode: action === 'die' ? Number(e.attributes.exitCode) : c.exitCode }
        : undefined,
    opts.signal,
  );
}

/** RFC 3339 with nanoseconds, as Docker stamps log lines. */
function nanoTime(iso: string): string {
  return iso.replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export async function* readLogs(s: MemoryState, ref: string, opts: LogOptions = {}): AsyncGenerator<LogChunk> {
  const c = s.container(ref);
  const inTime = (l: ContainerRecord['logs'][number]): boolean => {
    const t = Date.parse(l.time) / 1000;
    return (
      (opts.since === undefined || t >= Number(opts.since)) && (opts.until === undefined || t <= Number(opts.until))
    );
  };
  const show = (l: ContainerRecord['logs'][number]): LogChunk => ({
    stream: l.stream,
    data: opts.timestamps ? Buffer.concat([Buffer.from(`${nanoTime(l.time)} `), l.data]) : l.data,
  });
  const inStream = (l: ContainerRecord['logs'][number]): boolean =>
    l.stream === 'stdout' ? opts.stdout !== false : opts.stderr !== false;
  const wanted = (l: ContainerRecord['logs'][number]): boolean => inTime(l) && inStream(l);
  // As dockerd: the tail is of both streams' lines, then the streams not asked for are left out.
  const past = c.logs.filter(inTime);
  // What comes after this point is followed, even if it comes while the past lines are being read.
  let seen = c.logs.length;
  const tail = opts.tail === undefined || opts.tail === 'all' ? past : past.slice(Math.max(0, past.length - opts.tail));
  for (const l of tail) if (inStream(l)) yield show(l);
  if (!opts.follow) return;
  for (;;) {
    for (; seen < c.logs.length; seen++) {
      const l = c.logs[seen];
      if (l && wanted(l)) yield show(l);
    }
    if (!isRunning(c) || !s.containers.has(c.id)) return;
    if (!(await s.nextChange(opts.signal))) return;
  }
}

/** Docker's multiplexed frame: stream type, three zero bytes, big-endian size, payload. */
export function frame(stream: LogChunk['stream'], data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/**
 * The output the container writes from now until its next exit (an attach comes before the start, as
 * `docker run` attaches); with `stdin`, an input that a `cat` process echoes and whose end ends that `cat`.
 */
export function attachContainer(s: MemoryState, ref: string, opts: { stdin: boolean; tty: boolean }): ProcessStream {
  const c = s.container(ref);
  const output = new PassThrough();
  const ac = new AbortController();
  const cursor = s.events.length;
  let seen = c.logs.length;
  const exited = (): boolean =>
    s.events.slice(cursor).some((e) => e.id === c.id && (e.action === 'die' || e.action === 'destroy'));
  void (async () => {
    for (;;) {
      for (; seen < c.logs.length; seen++) {
        const l = c.logs[seen];
        if (l) output.write(opts.tty ? l.data : frame(l.stream, l.data));
      }
      if (exited() || !(await s.nextChange(ac.signal))) break;
    }
    output.end();
  })();
  const echoes = c.command.length === 1 && c.command[0]?.endsWith('cat') === true;
  const stream: ProcessStream = { output, close: () => ac.abort() };
  if (opts.stdin) {
    const input = new PassThrough();
    input.on('data', (d: Buffer) => {
      if (echoes && isRunning(c)) appendOutput(s, c, { stream: 'stdout', data: d });
    });
    input.on('end', () => {
      if (echoes) endProcess(s, c, { exitCode: 0, byUser: false });
    });
    stream.input = input;
  }
  return stream;
}

export function requireRunning(c: ContainerRecord): void {
  if (!isRunning(c)) throw engineError('conflict', `Container ${c.id} is not running`);
}
