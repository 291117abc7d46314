// Group commit for the work berthd does after exits (the `umount` of their mounts, their networks' leaves): what is
// asked while a run is going waits for the next run, which takes all of it in one process. Alone, a request waits
// for no one but the current turn (so that what the same turn asks joins it); under load the runs grow and their
// number falls.
// A fork of berthd costs ~1.4 ms of its event loop and every process a few ms of CPU (BENCHMARKS.md), so a `down` of
// 20 containers ran 60 of them, three for each container.
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Returns `ask(item)`, which resolves with `item`'s own result of the run that took it. `run` gets the items of one
 * group, in the order asked, and answers one result per item, in the same order; a run that throws rejects every
 * item of its group. Runs go one at a time.
 */
export function groupRunner<T, R>(run: (items: readonly T[]) => Promise<R[]>): (item: T) => Promise<R> {
  let open: { items: T[]; results: Promise<R[]> } | undefined;
  let last: Promise<unknown> = Promise.resolve();
  return (item) => {
    if (open) {
      const index = open.items.push(item) - 1;
      return open.results.then((r) => r[index] as R);
    }
    const group: { items: T[]; results: Promise<R[]> } = { items: [item], results: Promise.resolve([]) };
    group.results = last
      .then(() => nextTurn())
      .then(() => {
        if (open === group) open = undefined; // closed: what is asked from now on goes in the next group
        return run(group.items);
      });
    open = group;
    last = group.results.catch(() => undefined);
    return group.results.then((r) => r[0] as R);
  };
}
