// `up --wait` and a container without a healthcheck: it counts once it has run for the settle time, so a command
// that fails just after it started fails the wait, whichever poll sees it first. On the in-memory engine, whose
// containers end when the test says.
import { describe, expect, it } from 'vitest';
import { memoryEngine } from '../../src/client/memory/memory-engine.js';
import { settled, waitForServices } from '../../src/cli/commands/up-wait.js';
import type { WaitTarget } from '../../src/cli/commands/up-wait.js';
import type { ProgressEvent, ProgressSink } from '../../src/cli/progress/sink.js';

const T0 = Date.parse('2026-12-04T10:00:00Z');

describe('settled', () => {
  it('counts from the engine start time, or from the wait when the engine clock is ahead', () => {
    const at = (ms: number): string => new Date(T0 + ms).toISOString();
    expect(settled(at(0), T0, { settleMs: 500 }, T0 + 499)).toBe(false);
    expect(settled(at(0), T0, { settleMs: 500 }, T0 + 500)).toBe(true);
    // started long before this wait began: no delay
    expect(settled(at(-60_000), T0, { settleMs: 500 }, T0)).toBe(true);
    // an engine clock 10 s ahead: one settle time from the start of the wait
    expect(settled(at(10_000), T0, { settleMs: 500 }, T0 + 100)).toBe(false);
    expect(settled(at(10_000), T0, { settleMs: 500 }, T0 + 500)).toBe(true);
    expect(settled('', T0, { settleMs: 500 }, T0 + 500)).toBe(true);
  });
});

describe('waitForServices on a container without a healthcheck', () => {
  // the wall clock, not the fake's logical one: the settle time is measured from the container's start
  const engine = () =>
    memoryEngine({ now: () => Date.now(), images: { 'busybox:1': { config: { Cmd: ['sleep', '1000'] } } } });
  const sink = (events: ProgressEvent[]): ProgressSink => ({
    begin: async () => {},
    event: (e) => events.push(e),
    end: async () => {},
    warn: () => {},
  });

  async function started(e: ReturnType<typeof engine>, name: string): Promise<WaitTarget> {
    const { id } = await e.containers.create({ name, body: { Image: 'busybox:1', HostConfig: {} } });
    await e.containers.start(id);
    return { id: `container:${name}`, resource: 'container', name, service: 'app', containerId: id };
  }

  it('fails naming the service when the container exits after a first poll saw it running', async () => {
    const e = engine();
    const t = await started(e, 'p-app-1');
    setTimeout(() => e.exit(t.containerId, 4), 60);
    const events: ProgressEvent[] = [];
    const wait = waitForServices(e, [t], { mayComplete: new Set(), pollMs: 10, settleMs: 400, sink: sink(events) });
    await expect(wait).rejects.toMatchObject({
      code: 'CLI_WAIT_EXITED',
      message: expect.stringContaining('exited (4)'),
    });
    expect(events.map((x) => x.text)).toEqual(['Waiting', 'Exited']);
  });

  it('passes once the container has kept running for the settle time', async () => {
    const e = engine();
    const t = await started(e, 'p-app-1');
    const events: ProgressEvent[] = [];
    await waitForServices(e, [t], { mayComplete: new Set(), pollMs: 10, settleMs: 100, sink: sink(events) });
    expect(events.map((x) => x.text)).toEqual(['Waiting', 'Running']);
    expect((await e.containers.inspect(t.containerId))?.state.status).toBe('running');
  });
});
