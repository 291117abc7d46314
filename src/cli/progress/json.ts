// --progress json: one JSON object per line on stderr for every event, as `docker compose --progress json` does
// (`id` is Compose's "Container x", `text` its word), plus berth's `status`, `resource`, `name` and `action` (the
// plan action id), so scripts need not parse the words. Warnings are lines too: {"level":"warning","text":...}.
import type { ProgressSink } from './sink.js';
import { rowTitle } from './sink.js';

export function jsonSink(write: (text: string) => void): ProgressSink {
  return {
    begin: async () => undefined,
    end: async () => undefined,
    warn: (text) => write(`${JSON.stringify({ level: 'warning', text })}\n`),
    event: (e) => {
      const line = {
        id: rowTitle(e),
        status: e.status,
        text: e.text,
        resource: e.resource,
        name: e.name,
        action: e.action ?? e.id,
      };
      write(`${JSON.stringify(line)}\n`);
    },
  };
}
