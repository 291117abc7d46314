// Rotation of one running container's log by size, berthd-side: conmon's own --log-size-max only starts the
// file afresh (keeping one file), so for max-file > 1 berthd watches the log's folder (inotify), and once the
// log has reached max-size moves the files along (log-files.ts) and asks conmon to reopen. Nothing is lost: what
// conmon writes between the rename and its reopen lands at the end of `.1`. The granularity is berthd's
// reaction time: a file can pass max-size by what the container writes in that time (a few ms).
import type { FSWatcher } from 'node:fs';
import { statSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { requestLogReopen, rotateLogFiles } from './log-files.js';

export interface LogRotatorOptions {
  logPath: string;
  /** conmon's ctl fifo (<bundle>/ctl). */
  ctlPath: string;
  maxSize: number;
  /** Files kept in all, the log included; at least 2 (one file is conmon's --log-size-max). */
  maxFile: number;
  log: (line: string) => void;
}

export class LogRotator {
  private readonly opts: LogRotatorOptions;
  private watcher: FSWatcher | undefined;
  /** The inode berthd moved to `.1` last: until conmon has renamed a new file in, there is nothing to rotate. */
  private rotatedIno = -1;

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
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Synchronous from stat to reopen request: two events cannot rotate the same file twice. */
  private check(): void {
    let st;
    try {
      st = statSync(this.opts.logPath);
    } catch {
      return; // between our rename and conmon's reopen
    }
    if (st.size < this.opts.maxSize || st.ino === this.rotatedIno) return;
    try {
      rotateLogFiles(this.opts.logPath, this.opts.maxFile);
      this.rotatedIno = st.ino;
    } catch (e) {
      this.opts.log(`log rotation of ${this.opts.logPath}: ${String(e)}`);
      return;
    }
    if (!requestLogReopen(this.opts.ctlPath)) this.opts.log(`log rotation of ${this.opts.logPath}: conmon is gone`);
  }
}
