// A few file writes in flight at once, each named by the entry path it writes, so that the tar loop can wait for
// the ones it would otherwise race with. Node's fs calls go to a pool of threads; one at a time leaves it idle.

/**
 * Writes in flight, at most `limit`. `add` waits for room first and rethrows the first failure it meets; `drain`
 * waits for every write and rethrows the first failure; `settle` waits for every write and never throws (for the
 * error path, so that nothing still writes into a folder the caller is about to delete).
 */
export class WritePool {
  readonly #limit: number;
  readonly #running = new Map<string, Promise<void>>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** True while a write of `rel` is in flight. */
  has(rel: string): boolean {
    return this.#running.has(rel);
  }

  async add(rel: string, write: () => Promise<void>): Promise<void> {
    while (this.#running.size >= this.#limit) await Promise.race(this.#running.values());
    const running = write().finally(() => this.#running.delete(rel));
    running.catch(() => undefined); // seen by add, drain or settle; not an unhandled rejection meanwhile
    this.#running.set(rel, running);
  }

  async drain(): Promise<void> {
    const results = await Promise.allSettled(this.#running.values());
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  async settle(): Promise<void> {
    await Promise.allSettled(this.#running.values());
  }
}
