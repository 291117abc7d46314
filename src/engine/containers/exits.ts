// Exits reach berthd through conmon's exit files (<root>/exits/<id>, holding the exit code). They are read as they
// appear and once at start-up, so an exit that happened while berthd was down is recorded when it comes back.
// An exit file is removed only after the exit is saved: a crash in between replays it harmlessly.
import type { FSWatcher } from 'node:fs';
import { readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { join } from 'node:path';
import { unmount } from '../runtime/overlay.js';
import { wasOomKilled } from '../runtime/oom.js';
import type { Lifecycle } from './lifecycle.js';

export class ExitWatcher {
  private readonly lifecycle: Lifecycle;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private scanning = Promise.resolve();
  /** Ids of the containers whose exit is being recorded: a scan leaves their files to the recording under way. */
  private readonly recording = new Set<string>();

  constructor(lifecycle: Lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** Reconciles records with reality, then follows new exits. */
  async start(): Promise<void> {
    await this.recover();
    this.watcher = watch(this.lifecycle.exitDir, () => void this.scan());
    // fs.watch can miss events (and does on some file systems); a slow poll catches what it misses.
    this.timer = setInterval(() => void this.scan(), 1000);
    this.timer.unref();
  }

  stop(): void {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Reads the exit directory (never two reads at once) and starts recording each exit found that is not being
   * recorded already; resolves once the recordings this scan started have settled. A scan does not wait for the
   * recordings of earlier scans: each exit's teardown starts as its file appears, not after those before it.
   */
  scan(): Promise<void> {
    const started = this.scanning.then(() => this.startRecordings());
    this.scanning = started.then(
      () => undefined,
      () => undefined,
    );
    return started.then(settle).catch((e: unknown) => this.lifecycle.deps.log(`exit scan: ${String(e)}`));
  }

  /**
   * Starts recording every exit file found that no recording is under way for. Each recording waits for its
   * container's teardown (unmounts, runc state, network); containers are independent here (what they share, the
   * network store, serializes itself and batches the host lock).
   */
  private startRecordings(): Promise<void>[] {
    const recordings: Promise<void>[] = [];
    for (const id of readdirSync(this.lifecycle.exitDir)) {
      // conmon writes with g_file_set_contents: a temporary `<id>.XXXXXX` renamed over `<id>`. Touching the
      // temporary file would make the rename fail and lose the exit.
      if (!/^[0-9a-f]{64}$/.test(id) || this.recording.has(id)) continue;
      const file = join(this.lifecycle.exitDir, id);
      let text: string;
      try {
        text = readFileSync(file, 'utf8').trim();
      } catch {
        continue;
      }
      if (text === '') continue; // conmon has created but not yet written it
      const code = Number.parseInt(text, 10);
      // The memory cgroup still exists here: it is removed only when the exit's teardown releases the container.
      const oom = wasOomKilled(`/berth/${id}`);
      // A failed recording keeps its file, which a later scan tries again.
      const recording = this.lifecycle
        .recordExit(id, Number.isNaN(code) ? 255 : code, oom)
        .then(() => rmSync(file, { force: true }))
        .finally(() => this.recording.delete(id));
      this.recording.add(id);
      recordings.push(recording);
    }
    return recordings;
  }

  /**
   * Containers recorded as running whose process is gone without an exit file are marked exited (255); those not
   * recorded as running lose what a start cut short left (runc state, rootfs mount).
   */
  private async recover(): Promise<void> {
    await settle(this.startRecordings());
    const { store, runc } = this.lifecycle.deps;
    for (const c of store.all()) {
      if (!c.state.Running) {
        // A start that a crash cut short may have left a created (never started) process and the rootfs mount.
        if (runc.hasState(c.id)) await runc.delete(c.id, { force: true }).catch(() => undefined);
        await unmount(join(store.dirOf(c.id), 'rootfs')).catch(() => undefined);
        continue;
      }
      const state = await runc.state(c.id).catch(() => undefined);
      if (state && (state.status === 'running' || state.status === 'paused' || state.status === 'created')) continue;
      await this.lifecycle.recordExit(c.id, 255, false);
    }
  }
}

/** Waits for every recording; throws the first failure (after all have settled). */
async function settle(recordings: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(recordings)).flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failed.length > 0) throw failed[0];
}
