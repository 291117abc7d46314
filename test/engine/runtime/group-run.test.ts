// Group commit (group-run.ts), on a run that records its groups: one asked alone runs alone a turn later; what is
// asked while a run goes waits and goes together in the next one; each gets its own result; a failed run rejects
// its own group only.
import { describe, expect, it } from 'vitest';
import { groupRunner } from '../../../src/engine/runtime/group-run.js';

/** A run whose groups are recorded and which ends only when `finish` is called for it. */
function recorder(): {
  ask: (n: number) => Promise<string>;
  groups: number[][];
  finish: (i: number, fail?: boolean) => void;
} {
  const groups: number[][] = [];
  const enders: Array<(fail: boolean) => void> = [];
  const ask = groupRunner(async (items: readonly number[]) => {
    groups.push([...items]);
    const fail = await new Promise<boolean>((resolve) => enders.push(resolve));
    if (fail) throw new Error(`group ${items.join(',')} failed`);
    return items.map((n) => `done ${n}`);
  });
  return { ask, groups, finish: (i, fail = false) => enders[i]?.(fail) };
}

/** A few turns of the event loop: enough for a run to start (its own turn, and the promises around it). */
const turn = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

describe('groupRunner', () => {
  it('runs what one turn asks together, a turn later, and answers each its own result', async () => {
    const r = recorder();
    const a = r.ask(1);
    const b = r.ask(2);
    expect(r.groups).toEqual([]); // not yet: the rest of the turn may still ask
    await turn();
    expect(r.groups).toEqual([[1, 2]]);
    r.finish(0);
    expect(await Promise.all([a, b])).toEqual(['done 1', 'done 2']);
  });

  it('keeps what is asked while a run goes for the next run, all together', async () => {
    const r = recorder();
    const first = r.ask(1);
    await turn();
    const later = [r.ask(2), r.ask(3)];
    await turn();
    const last = r.ask(4);
    await turn();
    expect(r.groups).toEqual([[1]]); // one run at a time
    r.finish(0);
    expect(await first).toBe('done 1');
    await turn();
    expect(r.groups).toEqual([[1], [2, 3, 4]]);
    r.finish(1);
    expect(await Promise.all([...later, last])).toEqual(['done 2', 'done 3', 'done 4']);
  });

  it('rejects the items of a failed run only; the next run goes on', async () => {
    const r = recorder();
    const failed = r.ask(1);
    await turn();
    const next = r.ask(2);
    r.finish(0, true);
    await expect(failed).rejects.toThrow('group 1 failed');
    await turn();
    expect(r.groups).toEqual([[1], [2]]);
    r.finish(1);
    expect(await next).toBe('done 2');
  });
});
