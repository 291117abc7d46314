// Bounded concurrency for downloads and uploads, without a dependency: each item gets its own promise, in order,
// so a caller can await them one by one (extracting layers in order while later ones still download).

/** Runs `work` over `items` with at most `limit` at a time; returns one promise per item, in item order. */
export function limitAll<T>(
  limit: number,
  items: readonly T[],
  work: (item: T, i: number) => Promise<void>,
): Promise<void>[] {
  const waiting: Array<() => void> = [];
  let running = 0;
  // A finished item hands its slot straight to the next waiting one, so no newcomer can slip in between.
  const acquire = async (): Promise<void> => {
    if (running < limit) running++;
    else await new Promise<void>((r) => waiting.push(r));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next !== undefined) next();
    else running--;
  };
  return items.map(async (item, i) => {
    await acquire();
    try {
      await work(item, i);
    } finally {
      release();
    }
  });
}
