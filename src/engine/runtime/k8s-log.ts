// conmon's k8s-file log format and a reader for it. One record per line:
//   2026-11-22T08:00:00.123456789+00:00 stdout F hello
// time (RFC 3339, nanoseconds, local offset), stream, F for a full line or P for a partial one (conmon splits long
// lines and writes what it has at exit), then the text without its newline.
import { LogCursor } from './log-cursor.js';
import { readRotatedLogs } from './log-files.js';

/** One log record. `partial`: the text continues in the next record of the same stream (no newline here). */
export interface LogEntry {
  time: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  text: string;
}

/** A point in time for since/until: RFC 3339 text, a Date, or nanoseconds since the epoch. */
export type LogTime = string | Date | bigint;

export interface ReadLogsOptions {
  /** Keep reading as the container writes, until `signal` aborts or `isDone()` says it has finished. */
  follow?: boolean;
  /** Start at the current end of the file (attach): only what is written from now on. */
  fromEnd?: boolean;
  /** Only records at or after `since` and at or before `until`. */
  since?: LogTime;
  until?: LogTime;
  /**
   * Only the last `tail` lines already written (after since/until), counted as whole lines: a line written in
   * pieces (P records ended by an F one) is one line and comes whole. Following continues after them.
   */
  tail?: number;
  signal?: AbortSignal;
  /** Checked when the reader is idle; once true, what remains is read and the iteration ends. */
  isDone?: () => boolean;
  /** How often to look for new data while following; default 100 ms. */
  pollMs?: number;
  /** Subscribes a callback that ends the current wait at once (on the container's exit, say); returns unsubscribe. */
  wake?: (notify: () => void) => () => void;
}

const LINE = /^(\S+) (stdout|stderr) ([FP])(?: (.*))?$/s;

export function parseK8sLogLine(line: string): LogEntry | undefined {
  const m = LINE.exec(line);
  if (!m || parseLogTime(m[1] ?? '') === undefined) return undefined;
  return { time: m[1] as string, stream: m[2] as 'stdout' | 'stderr', partial: m[3] === 'P', text: m[4] ?? '' };
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Nanoseconds since the epoch of an RFC 3339 time, or undefined when it is not one. */
export function parseLogTime(time: string): bigint | undefined {
  const m = TIME.exec(time);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offsetMin =
    zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
  return (BigInt(ms) - BigInt(offsetMin) * 60_000n) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
}

function toNanos(t: LogTime | undefined): bigint | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'bigint') return t;
  if (t instanceof Date) return BigInt(t.getTime()) * 1_000_000n;
  return parseLogTime(t);
}

/**
 * The records of the last `n` lines of `entries`, in order. A line is a run of partial records of one stream
 * ended by a full one (other streams may interleave); a partial run with no end yet counts as a line too, as
 * Docker's json-file reader counts an unterminated last write.
 */
export function tailLines(entries: readonly LogEntry[], n: number): LogEntry[] {
  if (n <= 0) return [];
  // Backwards: a record starts a line unless it is partial and a later record of its stream exists (it joins
  // that stream's line). `kept` tells, per stream, whether the line being joined is among the last n.
  const kept = new Map<LogEntry['stream'], boolean>();
  const out: LogEntry[] = [];
  let lines = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as LogEntry;
    if (!(e.partial && kept.has(e.stream))) {
      kept.set(e.stream, lines < n);
      if (lines < n) lines++;
    }
    if (kept.get(e.stream) === true) out.push(e);
    else if (lines === n && ![...kept.values()].some(Boolean)) break; // every kept line is complete
  }
  return out.reverse();
}

/**
 * Log records of `path` in file order, after those of its rotated files (`path.N` down to `path.1`, see
 * log-files.ts) unless `fromEnd`. A missing file yields nothing (or, when following, is waited for). Lines that
 * do not parse are skipped. Survives rotation and truncation while following.
 */
export async function* readLogs(path: string, opts: ReadLogsOptions = {}): AsyncGenerator<LogEntry> {
  const since = toNanos(opts.since);
  const until = toNanos(opts.until);
  const inRange = (e: LogEntry): boolean => {
    const t = parseLogTime(e.time) ?? 0n;
    return (since === undefined || t >= since) && (until === undefined || t <= until);
  };
  const cursor = new LogCursor(path);
  let poke: (() => void) | undefined;
  const unsubscribe = opts.wake?.(() => poke?.());
  try {
    const opened = await cursor.open(opts.fromEnd === true);
    // The current file is open before the rotated ones are read: one rotated meanwhile is the cursor's own file
    // (skipped there by inode), so nothing is read twice or lost.
    const older = opts.fromEnd === true ? [] : await readRotatedLogs(path, cursor.inode);
    let first = [...older, ...(opened ? await cursor.next() : [])]
      .map(parseK8sLogLine)
      .filter((e): e is LogEntry => e !== undefined && inRange(e));
    if (opts.tail !== undefined) first = tailLines(first, opts.tail);
    yield* first;
    if (!opts.follow) return;
    const pollMs = opts.pollMs ?? 100;
    for (;;) {
      if (opts.signal?.aborted) return;
      // Read isDone before reading the file: an exit noticed now means everything it wrote is already there.
      const done = opts.isDone?.() === true;
      for (const line of await cursor.next()) {
        const entry = parseK8sLogLine(line);
        if (!entry) continue;
        if (until !== undefined && (parseLogTime(entry.time) ?? 0n) > until) return;
        if (inRange(entry)) yield entry;
        if (opts.signal?.aborted) return;
      }
      if (done) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, pollMs);
        opts.signal?.addEventListener('abort', finish, { once: true });
        poke = finish;
        function finish(): void {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', finish);
          poke = undefined;
          resolve();
        }
      });
    }
  } finally {
    unsubscribe?.();
    await cursor.close();
  }
}
