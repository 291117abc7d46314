// An in-process mutex: the stores serialize their read-modify-write of state files through it. One berthd owns a
// root at a time, so no cross-process locking is needed.

/** Runs critical sections one after another, in call order; a failing one does not block the next. */
export type Lock = <T>(section: () => Promise<T>) => Promise<T>;

export function createLock(): Lock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(section: () => Promise<T>): Promise<T> => {
    const run = tail.then(section, section);
    tail = run.catch(() => undefined);
    return run;
  };
}
