// A container's output as GET /containers/{id}/logs and attach send it: the entries of its k8s-file log, chosen by
// stream and time, as text with optional timestamps. The route frames them (multiplexed, or raw for a TTY).
import { readLogs } from '../runtime/k8s-log.js';
import type { ContainerRecord } from './container-store.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * What to send. `fromNow` starts at the end of the log (attach without logs=1) and sends both streams whatever
 * `stdout`/`stderr` say, as dockerd's attach does. `since`/`until` are Unix seconds; `tail` the last that many
 * lines (absent: all). With `follow`, the output ends once `isDone` says so (default: the container is not
 * running), or when `signal` aborts.
 */
export interface LogQuery {
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  follow: boolean;
  fromNow: boolean;
  tail?: number;
  since?: number;
  until?: number;
  isDone?: () => boolean;
  signal: AbortSignal;
}

/** One piece of output: which stream, and its bytes (a line with its newline unless the runtime split it). */
export interface LogChunk {
  stream: 'stdout' | 'stderr';
  payload: Buffer;
}

/** The container's output for `query`, in order. */
export async function* containerLogs(
  lifecycle: Lifecycle,
  c: ContainerRecord,
  query: LogQuery,
): AsyncGenerator<LogChunk> {
  const wantOut = query.fromNow || query.stdout;
  const wantErr = query.fromNow || query.stderr;
  const isDone = query.isDone ?? ((): boolean => !lifecycle.deps.store.find(c.id)?.state.Running);
  for await (const entry of readLogs(lifecycle.paths(c).logPath, {
    follow: query.follow,
    fromEnd: query.fromNow,
    since: query.since ? new Date(query.since * 1000).toISOString() : undefined,
    until: query.until ? new Date(query.until * 1000).toISOString() : undefined,
    tail: query.tail,
    signal: query.signal,
    isDone,
    // An exit ends the reader's wait at once, so that `docker run` returns without waiting out a poll.
    wake: (notify) => onExit(lifecycle, c, notify),
  })) {
    if ((entry.stream === 'stdout' && !wantOut) || (entry.stream === 'stderr' && !wantErr)) continue;
    const text = `${query.timestamps ? `${entry.time} ` : ''}${entry.text}${entry.partial ? '' : '\n'}`;
    yield { stream: entry.stream, payload: Buffer.from(text) };
  }
}

/**
 * The output an attach with stream=1 sends: from now (or, with `logs`, from the start) until the container's next
 * exit. Clients attach before they start the container, so the stream ends at the next exit, not while it is
 * created.
 */
export async function* attachedOutput(
  lifecycle: Lifecycle,
  c: ContainerRecord,
  query: Omit<LogQuery, 'follow' | 'fromNow' | 'isDone'> & { logs: boolean },
): AsyncGenerator<LogChunk> {
  let exited = false;
  const off = onExit(lifecycle, c, () => (exited = true));
  try {
    yield* containerLogs(lifecycle, c, { ...query, follow: true, fromNow: !query.logs, isDone: () => exited });
  } finally {
    off();
  }
}

/** Calls `then` at each exit of `c`; returns the unsubscribe. */
function onExit(lifecycle: Lifecycle, c: ContainerRecord, then: () => void): () => void {
  return lifecycle.deps.events.subscribe((e) => {
    if (e.Type === 'container' && e.Actor.ID === c.id && e.Action === 'die') then();
  });
}
