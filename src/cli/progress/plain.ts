// --progress plain: one line per change, as `docker compose --progress plain` prints them (` Container x  Started`),
// to stderr. --progress quiet: warnings only.
import type { ProgressEvent, ProgressSink } from './sink.js';
import { rowTitle } from './sink.js';

/** The plain line for an event, or undefined for `waiting` (Compose shows nothing until work starts). */
export function plainLine(e: ProgressEvent): string | undefined {
  if (e.status === 'waiting') return undefined;
  return e.status === 'failed' ? ` ${rowTitle(e)}  Error: ${e.text}\n` : ` ${rowTitle(e)}  ${e.text}\n`;
}

export function plainSink(write: (text: string) => void): ProgressSink {
  return {
    begin: async () => undefined,
    end: async () => undefined,
    warn: (text) => write(`WARN ${text}\n`),
    event: (e) => {
      const line = plainLine(e);
      if (line) write(line);
    },
  };
}

export function quietSink(write: (text: string) => void): ProgressSink {
  return {
    begin: async () => undefined,
    end: async () => undefined,
    warn: (text) => write(`WARN ${text}\n`),
    event: () => undefined,
  };
}
