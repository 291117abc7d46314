// Rotation of one running container's log by size, berthd-side: conmon's own --log-size-max only starts the
// file afresh (keeping one file), so for max-file > 1 berthd watches the log's folder (inotify), and once the
// log has reached max-size moves the files along (log-files.ts) and asks conmon to reopen. Nothing is lost: what
// conmon writes between the rename and its reopen lands at the end of `.1`. The granularity is berthd's
// reaction time: a file can pass max-size by what the container writes in that time (a few ms). With `compress`,
// `.1` is gzipped once conmon has reopened (a new log is there), before anything rotates again.
import type { FSWatcher } from 'node:fs';
import { statSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { compressRotatedLog, requestLogReopen, rotateLogFiles, rotatedLogPath } from './log-files.js';

export interface LogRotatorOptions {
  logPath: string;
  /** conmon's ctl fifo (<bundle>/ctl). */
  ctlPath: string;
  maxSize: number;
  /** Files kept in all, the log included; at least 2 (one file is conmon's --log-size-max). */
  maxFile: number;
  /** Gzip the rotated files. */
  compress: boolean;
  log: (line: string) => void;
}

export class LogRotator {
  private readonly opts: LogRotatorOptions;
  private watcher: FSWatcher | undefined;
  /** The inode berthd moved to `.1` last: until conmon has renamed a new file in, there is nothing to rotate. */
  private rotatedIno = -1;
  /** Set while `.1` is being compressed: checks wait, and one runs when it is done. */
  private compressing = false;
  private stopped = false;

  constructor(opts: LogRotatorOptions) {
    this.opts = opts;
  }

  /** Watches until stop(); checks at once too (a log that grew while berthd was down). */
  start(): void {
    if (this.watcher) return;
    const name = basename(this.opts.logPath);
    try {
      this.watcher = watch(dirname(this.opts.logPath), { persistent: false }, (_event, file) => {
        if (file === null || file === name) this.check();
      });
      this.watcher.on('error', (e) => this.opts.log(`log rotation of ${this.opts.logPath}: ${String(e)}`));
    } catch (e) {
      this.opts.log(`log rotation of ${this.opts.logPath}: cannot watch: ${String(e)}`);
    }
    this.check();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Synchronous from stat to reopen request: two events cannot rotate the same file twice. */
  private check(): void {
    if (this.compressing || this.stopped) return;
    let st;
    try {
      st = statSync(this.opts.logPath);
    } catch {
      // Between our rename and conmon's reopen; or a berthd before this one died in between: ask again.
      if (this.rotatedIno === -1) requestLogReopen(this.opts.ctlPath);
      return;
    }
    if (st.ino === this.rotatedIno) return;
    if (this.opts.compress && exists(rotatedLogPath(this.opts.logPath, 1))) {
      this.compress();
      return;
    }
    if (st.size < this.opts.maxSize) return;
    try {
      rotateLogFiles(this.opts.logPath, this.opts.maxFile, this.opts.compress);
      this.rotatedIno = st.ino;
    } catch (e) {
      this.opts.log(`log rotation of ${this.opts.logPath}: ${String(e)}`);
      return;
    }
    if (!requestLogReopen(this.opts.ctlPath)) this.opts.log(`log rotation of ${this.opts.logPath}: conmon is gone`);
  }

  // conmon writes to the new log now: `.1` is complete. The size check runs again once it is compressed.
  private compress(): void {
    this.compressing = true;
    compressRotatedLog(this.opts.logPath)
      .catch((e: unknown) => this.opts.log(`log compression of ${this.opts.logPath}: ${String(e)}`))
      .finally(() => {
        this.compressing = false;
        this.check();
      });
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
