// Batching of file events (batch.ts) with real timers: one save is acted on after a few quiet ms, a burst is
// one batch, events during an action make the next batch, and a steady stream is cut at the cap.
import { describe, expect, it } from 'vitest';
import type { ChangeBatch } from '../../src/cli/watch/batch.js';
import { createBatcher } from '../../src/cli/watch/batch.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder(actMs = 0) {
  const batches: ChangeBatch[] = [];
  const b = createBatcher({
    quietMs: 4,
    burstQuietMs: 40,
    burstPaths: 16,
    maxWaitMs: 400,
    onBatch: async (batch) => {
      batches.push(batch);
      await sleep(actMs);
    },
  });
  return { b, batches };
}

describe('watch batching', () => {
  it('one save must be acted on within a few ms, not after a fixed debounce', async () => {
    const { b, batches } = recorder();
    const t0 = performance.now();
    b.add('/a', 'write');
    await b.idle();
    expect(batches.length).toBe(1);
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('a burst of 1,000 events with small gaps must be one batch, the last event of a path winning', async () => {
    const { b, batches } = recorder();
    for (let i = 0; i < 1000; i++) {
      b.add(`/f${i}`, 'write');
      if (i % 100 === 99) await sleep(10); // gaps longer than the quiet time of one save
    }
    b.add('/f1', 'delete');
    await b.idle();
    expect(batches.length).toBe(1);
    expect(batches[0]?.changes.size).toBe(1000);
    expect(batches[0]?.changes.get('/f1')).toBe('delete');
  });

  it('a new folder must wait for the files chokidar reports after reading it', async () => {
    const { b, batches } = recorder();
    b.add('/dir', 'write', true);
    await sleep(15);
    b.add('/dir/a', 'write');
    await b.idle();
    expect(batches.map((x) => [...x.changes.keys()])).toEqual([['/dir', '/dir/a']]);
  });

  it('events during an action must make the next batch, never a second action at once', async () => {
    const { b, batches } = recorder(50);
    b.add('/a', 'write');
    await sleep(20);
    b.add('/b', 'write');
    b.add('/c', 'write');
    await b.idle();
    expect(batches.map((x) => [...x.changes.keys()])).toEqual([['/a'], ['/b', '/c']]);
  });

  it('a steady stream must be cut at the cap', async () => {
    const { b, batches } = recorder();
    const until = performance.now() + 700;
    for (let i = 0; performance.now() < until; i++) {
      b.add(`/s${i}`, 'write');
      await sleep(2);
    }
    await b.idle();
    expect(batches.length).toBeGreaterThanOrEqual(2);
  });
});
