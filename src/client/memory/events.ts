// The in-memory engine's event stream: the history since `since` (or nothing before the call), then every new
// event until the signal aborts or an event passes `until`. Filters as dockerd applies them: `types`, and
// `labels` on the event's attributes (a container's labels are attributes of its events).
import type { EngineEvent, EventFilter } from '../types.js';
import { matchesLabels } from './filters.js';
import type { MemoryState } from './state.js';

const toNano = (seconds: string): bigint => BigInt(Math.round(Number(seconds) * 1000)) * 1_000_000n;

export async function* streamEvents(
  s: MemoryState,
  filter: EventFilter,
  signal: AbortSignal,
): AsyncGenerator<EngineEvent> {
  const since = filter.since === undefined ? undefined : toNano(filter.since);
  const until = filter.until === undefined ? undefined : toNano(filter.until);
  let next = since === undefined ? s.events.length : s.events.findIndex((e) => e.timeNano >= since);
  if (next < 0) next = s.events.length;
  const wanted = (e: EngineEvent): boolean =>
    (filter.types === undefined || filter.types.includes(e.type)) &&
    (filter.actions === undefined || filter.actions.includes(e.action)) &&
    matchesLabels(e.attributes, filter.labels);
  while (!signal.aborted) {
    for (; next < s.events.length; next++) {
      const e = s.events[next];
      if (e === undefined) continue;
      if (until !== undefined && e.timeNano > until) return;
      if (wanted(e)) yield { ...e, attributes: { ...e.attributes } };
    }
    // Nothing can come before `until` once the clock has passed it.
    const last = s.events.at(-1);
    if (until !== undefined && last !== undefined && last.timeNano >= until) return;
    const left = until === undefined ? undefined : Number(until / 1_000_000n) - s.peekMs();
    if (left !== undefined && left <= 0) return;
    await s.nextChange(signal, left);
  }
}
