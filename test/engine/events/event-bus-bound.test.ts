// The event bus is the one store in berthd that grows with every container that comes and goes (about 5 events a
// `docker run --rm`). Its history must stay bounded, or a busy daemon's memory grows without end (issue 17).
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/engine/events/event-bus.js';

describe('the event history', () => {
  it('must keep the last 1,000 events only, the newest last, after 5,000 were emitted', () => {
    const bus = new EventBus();
    for (let i = 0; i < 5000; i++) bus.emit('container', 'die', `c${i}`, { name: `n${i}` });
    const kept = bus.since(0);
    expect(kept).toHaveLength(1000);
    expect(kept[0]?.Actor.ID).toBe('c4000');
    expect(kept.at(-1)?.Actor.ID).toBe('c4999');
  });

  it('must drop a subscriber once it unsubscribes, so a client that left holds nothing', () => {
    const bus = new EventBus();
    const got: string[] = [];
    const unsubscribe = bus.subscribe((e) => got.push(e.Actor.ID));
    bus.emit('container', 'start', 'a');
    unsubscribe();
    bus.emit('container', 'start', 'b');
    expect(got).toEqual(['a']);
  });
});
