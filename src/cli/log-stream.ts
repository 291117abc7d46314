// Container logs as the CLI prints them: the engine's log chunks split into lines,
// each prefixed with the container's name in a color of its own, as `docker compose logs` and attached `up` do.
import type { EngineClient, LogChunk } from '../client/types.js';
import { BerthError } from '../errors.js';

const COLORS = [36, 33, 32, 35, 34, 91, 96, 93, 92, 95, 94];

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Splits a container's log chunks into whole lines, per stream (a line may span chunks). */
export async function* logLines(chunks: AsyncIterable<LogChunk>): AsyncGenerator<LogLine> {
  const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  for await (const chunk of chunks) {
    const parts = (partial[chunk.stream] + chunk.data.toString('utf8')).split('\n');
    partial[chunk.stream] = parts.pop() ?? '';
    for (const text of parts) yield { stream: chunk.stream, text };
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
  if (signal?.aborted) return;
  const chunks = client.containers.logs(id, {
    follow: opts.follow,
    tail: tailOf(opts.tail),
    timestamps: opts.timestamps,
    since: opts.since,
    tty: opts.tty,
    signal,
  });
  try {
    for await (const line of logLines(chunks)) onLine(line);
  } catch (e) {
    if (!signal?.aborted) throw e;
  }
}

/** --tail: a number of lines or "all". */
function tailOf(tail: string | undefined): number | 'all' | undefined {
  if (tail === undefined || tail === 'all') return tail;
  if (/^\d+$/.test(tail)) return Number(tail);
  throw new BerthError('CLI_BAD_TAIL', `--tail ${tail}: expected a number of lines or "all"`, {
    hint: 'e.g. --tail 20',
  });
}
