// The exit watcher reads conmon's exit files and nothing else: conmon writes each through a temporary
// `<id>.XXXXXX` that it renames, and a watcher that consumed the temporary file would lose the exit.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitWatcher } from '../../src/engine/containers/exits.js';
import type { Lifecycle } from '../../src/engine/containers/lifecycle.js';

describe('ExitWatcher', () => {
  let dir: string;
  let recorded: Array<[string, number]>;
  let watcher: ExitWatcher;
  /** Recordings under way, and the most at once. */
  let inFlight: number;
  let most: number;
  /** A recording's teardown takes this long (a real one runs runc delete, unmounts and netavark). */
  let recordMs: number;
  /** Containers whose recording takes 300 ms. */
  let slow: Set<string>;
  const id = 'ab'.repeat(32);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-exits-'));
    recorded = [];
    inFlight = 0;
    most = 0;
    recordMs = 0;
    slow = new Set();
    const lifecycle = {
      exitDir: dir,
      deps: { log: (line: string) => recorded.push([line, -1]) },
      recordExit: async (cid: string, code: number) => {
        most = Math.max(most, ++inFlight);
        const ms = slow.has(cid) ? 300 : recordMs;
        if (ms > 0) await new Promise((r) => setTimeout(r, ms));
        inFlight--;
        recorded.push([cid, code]);
      },
    };
    watcher = new ExitWatcher(lifecycle as unknown as Lifecycle);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("records an exit file's code once and removes the file", async () => {
    writeFileSync(join(dir, id), '3\n');
    await watcher.scan();
    await watcher.scan();
    expect(recorded).toEqual([[id, 3]]);
    expect(existsSync(join(dir, id))).toBe(false);
  });

  it("leaves conmon's temporary file alone until it is renamed into place", async () => {
    writeFileSync(join(dir, `${id}.Q1W2E3`), '0');
    await watcher.scan();
    expect(recorded).toEqual([]);
    expect(existsSync(join(dir, `${id}.Q1W2E3`))).toBe(true);
  });

  it('waits while the exit file is still empty', async () => {
    writeFileSync(join(dir, id), '');
    await watcher.scan();
    expect(recorded).toEqual([]);
    writeFileSync(join(dir, id), '137');
    await watcher.scan();
    expect(recorded).toEqual([[id, 137]]);
  });

  it('records the exits one scan finds all at once, each file removed once its exit is recorded', async () => {
    const ids = ['a1', 'b2', 'c3', 'd4'].map((p) => p.repeat(32));
    for (const [i, cid] of ids.entries()) writeFileSync(join(dir, cid), String(i));
    recordMs = 30;
    await watcher.scan();
    expect(most).toBe(4);
    expect(recorded.map(([cid, code]) => `${cid.slice(0, 2)}=${code}`).sort()).toEqual([
      'a1=0',
      'b2=1',
      'c3=2',
      'd4=3',
    ]);
    for (const cid of ids) expect(existsSync(join(dir, cid))).toBe(false);
  });

  it('an exit that comes while another is being recorded is recorded at once, and neither twice', async () => {
    const [first, second] = ['e5', 'f6'].map((p) => p.repeat(32)) as [string, string];
    slow.add(first);
    writeFileSync(join(dir, first), '1');
    const firstScan = watcher.scan();
    await new Promise((r) => setTimeout(r, 20)); // the first recording is under way
    writeFileSync(join(dir, second), '2');
    await watcher.scan();
    expect(recorded).toEqual([[second, 2]]); // without waiting for the first's 300 ms
    await firstScan;
    await watcher.scan();
    expect(recorded).toEqual([
      [second, 2],
      [first, 1],
    ]);
    expect(existsSync(join(dir, first))).toBe(false);
  });
});
