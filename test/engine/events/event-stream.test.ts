// GET /events as berthd serves it (events/event-stream.ts), on a real EventBus: recent events from `since`,
// filters, `until`, and the subscription ended when the client leaves.
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events/event-bus.js';
import { EventBus } from '../../../src/engine/events/event-bus.js';
import { streamEvents } from '../../../src/engine/events/event-stream.js';

function collect(bus: EventBus, query: { filters?: Record<string, string[]>; since?: number; until?: number }) {
  const got: string[] = [];
  const left = new AbortController();
  let ended = false;
  const sink = { send: (e: EngineEvent) => got.push(`${e.Type} ${e.Action} ${e.Actor.ID}`), end: () => (ended = true) };
  const { since, until } = query;
  streamEvents(bus, { filters: new Map(Object.entries(query.filters ?? {})), since, until, signal: left.signal }, sink);
  return { got, left, isEnded: () => ended };
}

describe('the /events stream', () => {
  it('recent events from `since` come first, then new ones, filtered as dockerd filters them', () => {
    const bus = new EventBus();
    bus.emit('container', 'create', 'c1', { name: 'web' });
    bus.emit('image', 'pull', 'busybox', { name: 'busybox' });
    const s = collect(bus, { filters: { type: ['container'] }, since: 0 });
    bus.emit('container', 'health_status: healthy', 'c1', { name: 'web' });
    bus.emit('network', 'create', 'n1');
    expect(s.got).toEqual(['container create c1', 'container health_status: healthy c1']);
    const health = collect(bus, { filters: { event: ['health_status'] } });
    bus.emit('container', 'health_status: unhealthy', 'c1');
    expect(health.got).toEqual(['container health_status: unhealthy c1']);
  });

  it('an `until` in the past must end the stream at once, with only the events before it', () => {
    const bus = new EventBus();
    bus.emit('container', 'start', 'c1');
    const s = collect(bus, { since: 0, until: Math.floor(Date.now() / 1000) - 3600 });
    expect(s.isEnded()).toBe(true);
    expect(s.got).toEqual([]);
    const all = collect(bus, { since: 0, until: Math.ceil(Date.now() / 1000) + 60 });
    expect(all.got).toEqual(['container start c1']);
    expect(all.isEnded()).toBe(false); // until is a minute away: the stream stays open until the client leaves
    all.left.abort();
  });

  it('a client that leaves must be unsubscribed: later events reach it no more', () => {
    const bus = new EventBus();
    const s = collect(bus, {});
    bus.emit('volume', 'create', 'v1');
    s.left.abort();
    bus.emit('volume', 'destroy', 'v1');
    expect(s.got).toEqual(['volume create v1']);
  });
});
