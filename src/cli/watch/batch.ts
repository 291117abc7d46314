// Batches file events into one action: a burst (a `git checkout` of 1,000 files, a formatter run over the
// tree) becomes one sync, where Compose waits a fixed 500 ms after each event. Here a batch ends after a few
// quiet milliseconds, so that one saved file syncs at once; once a batch holds more than a few paths it is a
// burst, whose events chokidar delivers with gaps of tens of ms on a busy machine, so it waits for a longer quiet
// time, as does a batch with a new folder (chokidar reads the folder before it reports the files in it); a cap counted from the first event ends a batch that a steady stream of writes would keep open. Events
// that come while a batch is being acted on make the next batch, so actions never overlap.
import { performance } from 'node:perf_hooks';

/** What became of a path: it exists now (created or changed), or it is gone. The last event of a path wins. */
export type ChangeKind = 'write' | 'delete';

/** One batch: each path once, and when its first event came (performance.now(), for the latency). */
export interface ChangeBatch {
  changes: ReadonlyMap<string, ChangeKind>;
  firstEventAt: number;
}

export interface BatchOptions {
  /** How long no event must come before the batch is acted on... */
  quietMs: number;
  /** ...and how long once it holds more than `burstPaths` paths. */
  burstQuietMs: number;
  burstPaths: number;
  /** The longest a batch waits from its first event. */
  maxWaitMs: number;
  onBatch: (batch: ChangeBatch) => Promise<void>;
}

/** One save syncs after 4 ms of quiet; a burst after 50 ms; nothing waits more than 1.5 s. */
export const DEFAULT_BATCHING: Omit<BatchOptions, 'onBatch'> = {
  quietMs: 4,
  burstQuietMs: 50,
  burstPaths: 16,
  maxWaitMs: 1500,
};

export interface Batcher {
  /** `more`: more events are likely (a new folder, whose files chokidar reports after reading it). */
  add(path: string, kind: ChangeKind, more?: boolean): void;
  /** Resolves when no batch is pending nor running. */
  idle(): Promise<void>;
  close(): void;
}

export function createBatcher(opts: BatchOptions): Batcher {
  let pending = new Map<string, ChangeKind>();
  let burst = false;
  let firstEventAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  const waiters: Array<() => void> = [];

  const settle = (): void => {
    if (running || timer || pending.size > 0) return;
    for (const w of waiters.splice(0)) w();
  };
  const schedule = (): void => {
    if (closed || running || pending.size === 0) return settle();
    if (timer) clearTimeout(timer);
    const capLeft = firstEventAt + opts.maxWaitMs - performance.now();
    const quiet = burst || pending.size > opts.burstPaths ? opts.burstQuietMs : opts.quietMs;
    timer = setTimeout(flush, Math.max(0, Math.min(quiet, capLeft)));
  };
  const flush = (): void => {
    timer = undefined;
    const batch: ChangeBatch = { changes: pending, firstEventAt };
    pending = new Map();
    burst = false;
    running = opts.onBatch(batch).finally(() => {
      running = undefined;
      if (pending.size > 0) schedule();
      else settle();
    });
  };
  return {
    add(path, kind, more = false) {
      if (closed) return;
      if (pending.size === 0) firstEventAt = performance.now();
      pending.set(path, kind);
      burst ||= more;
      schedule();
    },
    idle: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      }),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = new Map();
      settle();
    },
  };
}
