// Container logs as the CLI prints them: Docker's multiplexed stream (8-byte frame headers) split into lines,
// each prefixed with the container's name in a color of its own, as `docker compose logs` and attached `up` do.
import type { IncomingMessage } from 'node:http';
import type { EngineClient, Query } from '../client/engine-client.js';

const COLORS = [36, 33, 32, 35, 34, 91, 96, 93, 92, 95, 94];

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Splits a multiplexed (or, for a TTY container, raw) stream into whole lines. */
export async function* demuxLines(res: IncomingMessage, tty: boolean): AsyncGenerator<LogLine> {
  let buf: Buffer = Buffer.alloc(0);
  const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  function* emit(stream: 'stdout' | 'stderr', payload: string): Generator<LogLine> {
    const parts = (partial[stream] + payload).split('\n');
    partial[stream] = parts.pop() ?? '';
    for (const text of parts) yield { stream, text };
  }
  for await (const chunk of res) {
    buf = Buffer.concat([buf, chunk as Buffer]);
    if (tty) {
      yield* emit('stdout', buf.toString('utf8'));
      buf = Buffer.alloc(0);
      continue;
    }
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const stream = buf[0] === 2 ? 'stderr' : 'stdout';
      yield* emit(stream, buf.subarray(8, 8 + size).toString('utf8'));
      buf = buf.subarray(8 + size);
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) yield { stream, text: partial[stream] };
}

export interface Prefixer {
  (name: string, text: string): string;
}

/** Compose's `name  | text` prefix, padded to the longest name, colored when `color`. */
export function prefixer(names: readonly string[], color: boolean): Prefixer {
  const width = Math.max(0, ...names.map((n) => n.length));
  const colorOf = new Map(names.map((n, i) => [n, COLORS[i % COLORS.length] as number]));
  return (name, text) => {
    const label = `${name.padEnd(width)}  |`;
    return color ? `\u001b[${colorOf.get(name) ?? 0}m${label}\u001b[0m ${text}` : `${label} ${text}`;
  };
}

/** Follows (or prints) one container's log; resolves when the stream ends. */
export async function streamContainerLogs(
  client: EngineClient,
  id: string,
  opts: { follow: boolean; tail?: string; timestamps?: boolean; since?: string; tty: boolean },
  onLine: (line: LogLine) => void,
  signal?: AbortSignal,
): Promise<void> {
  const query: Query = {
    stdout: 1,
    stderr: 1,
    follow: opts.follow ? 1 : undefined,
    tail: opts.tail,
    timestamps: opts.timestamps ? 1 : undefined,
    since: opts.since,
  };
  if (signal?.aborted) return;
  const res = await client.raw('GET', `/containers/${id}/logs`, { query, signal }).catch((e: unknown) => {
    if (signal?.aborted) return undefined;
    throw e;
  });
  if (!res) return;
  try {
    for await (const line of demuxLines(res, opts.tty)) onLine(line);
  } catch (e) {
    if (!signal?.aborted) throw e;
  }
}
