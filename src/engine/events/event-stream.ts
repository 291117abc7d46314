// GET /events as a stream: the recent events since a time, then new ones as they happen, until a time or until
// the client leaves.
import type { EngineEvent, EventBus } from './event-bus.js';
import { eventMatches } from './event-filters.js';

/** `since` and `until` are Unix seconds; without `until` the stream runs until `signal` aborts. */
export interface EventQuery {
  filters: Map<string, string[]>;
  since?: number;
  until?: number;
  signal: AbortSignal;
}

/**
 * Calls `send` with each event that matches, recent ones first, then `end` once `until` has passed (at once when
 * it is in the past). The subscription ends with `end` or when `signal` aborts.
 */
export function streamEvents(
  bus: EventBus,
  query: EventQuery,
  sink: { send: (e: EngineEvent) => void; end: () => void },
): void {
  const untilNs = query.until ? query.until * 1e9 : undefined;
  const send = (e: EngineEvent): void => {
    if (untilNs !== undefined && e.timeNano > untilNs) return;
    if (eventMatches(e, query.filters)) sink.send(e);
  };
  if (query.since !== undefined) for (const e of bus.since(query.since * 1e9)) send(e);
  if (untilNs !== undefined && untilNs <= Date.now() * 1e6) {
    sink.end();
    return;
  }
  const off = bus.subscribe(send);
  const timer = untilNs !== undefined ? setTimeout(() => sink.end(), untilNs / 1e6 - Date.now()) : undefined;
  query.signal.addEventListener('abort', () => {
    off();
    if (timer) clearTimeout(timer);
  });
}
