// GET /events as an async iterable of EngineEvents, until the signal aborts or the engine ends the stream
// (`until` passed). An abort ends the iteration quietly: it is how every caller stops watching.
import type { EngineEvent, EventFilter } from '../types.js';
import { toEngineEvent } from './shapes.js';
import type { DockerTransport } from './transport.js';
import { filtersParam, textLines } from './transport.js';

export async function* dockerEvents(
  t: DockerTransport,
  filter: EventFilter,
  signal: AbortSignal,
): AsyncGenerator<EngineEvent> {
  if (signal.aborted) return;
  const filters = filtersParam({ label: filter.labels, type: filter.types, event: filter.actions });
  try {
    const res = await t.ok('GET', '/events', { query: { since: filter.since, until: filter.until, filters }, signal });
    try {
      for await (const line of textLines(res)) yield toEngineEvent(line);
    } finally {
      res.destroy();
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  }
}
