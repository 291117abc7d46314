// The files of one container log, as Docker's json-file keeps them: `<log>` is written, `<log>.1` is the one
// before it, up to `<log>.<max-file - 1>`, the oldest. berthd rotates (rotateLogFiles, then asks conmon to reopen
// through its ctl fifo, as CRI-O does) and the readers read the rotated files oldest first, then `<log>`.
import { closeSync, constants, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';

/** The most rotated files berthd looks for; far more than any max-file in use. */
const MAX_ROTATED = 1000;

/** `<log>.n`, the n-th newest rotated file (1 is the newest). */
export function rotatedLogPath(logPath: string, n: number): string {
  return `${logPath}.${n}`;
}

/**
 * The renames that rotate `logPath` keeping `maxFile` files in all, in the order they must run: the oldest kept
 * file is overwritten by the next newer one, and so on, and the log itself becomes `.1`. Empty for maxFile < 2
 * (the log is started afresh instead, by conmon's own --log-size-max).
 */
export function rotationRenames(logPath: string, maxFile: number): Array<{ from: string; to: string }> {
  if (maxFile < 2) return [];
  const renames: Array<{ from: string; to: string }> = [];
  for (let n = maxFile - 1; n >= 2; n--) {
    renames.push({ from: rotatedLogPath(logPath, n - 1), to: rotatedLogPath(logPath, n) });
  }
  renames.push({ from: logPath, to: rotatedLogPath(logPath, 1) });
  return renames;
}

/** Runs rotationRenames; a file not there yet (fewer rotations so far) is skipped. */
export function rotateLogFiles(logPath: string, maxFile: number): void {
  for (const { from, to } of rotationRenames(logPath, maxFile)) {
    try {
      renameSync(from, to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/**
 * Asks conmon to reopen the log (REOPEN_LOGS_EVENT, "2 0 0" on its ctl fifo): it closes the file it writes,
 * which rotateLogFiles has moved to `.1`, and renames a fresh one over `logPath`. False when no conmon listens
 * (the container has exited): the next start creates the log.
 */
export function requestLogReopen(ctlPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(ctlPath, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return false; // ENXIO: no reader; ENOENT: no conmon ran in this bundle
  }
  try {
    writeSync(fd, '2 0 0\n');
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * The complete lines of the rotated files of `logPath`, oldest file first. A file whose inode is `skipInode` is
 * left out: a reader holds it open as the current log, having opened it just before it was rotated.
 */
export async function readRotatedLogs(logPath: string, skipInode: number): Promise<string[]> {
  const files: string[] = [];
  for (let n = 1; n <= MAX_ROTATED && exists(rotatedLogPath(logPath, n)); n++) files.push(rotatedLogPath(logPath, n));
  const lines: string[] = [];
  for (const file of files.reverse()) {
    let text: string;
    try {
      if (statSync(file).ino === skipInode) continue;
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // rotated away while listing: its lines are in the next older file, read already or lost
    }
    const end = text.lastIndexOf('\n');
    if (end >= 0) lines.push(...text.slice(0, end).split('\n'));
  }
  return lines;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
