// The files of one container log, as Docker's json-file keeps them: `<log>` is written, `<log>.1` is the one
// before it, up to `<log>.<max-file - 1>`, the oldest. berthd rotates (rotateLogFiles, then asks conmon to reopen
// through its ctl fifo, as CRI-O does) and the readers read the rotated files oldest first, then `<log>`. With
// `compress`, rotated files are gzipped (`<log>.n.gz`) once conmon has left them, `.1` last.
import { closeSync, constants, createReadStream, createWriteStream, openSync, readFileSync } from 'node:fs';
import { renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';

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
export function rotationRenames(
  logPath: string,
  maxFile: number,
  compress = false,
): Array<{ from: string; to: string }> {
  if (maxFile < 2) return [];
  const gz = compress ? '.gz' : '';
  const renames: Array<{ from: string; to: string }> = [];
  for (let n = maxFile - 1; n >= 2; n--) {
    renames.push({ from: rotatedLogPath(logPath, n - 1) + gz, to: rotatedLogPath(logPath, n) + gz });
  }
  renames.push({ from: logPath, to: rotatedLogPath(logPath, 1) });
  return renames;
}

/**
 * Runs rotationRenames; a file not there yet (fewer rotations so far) is skipped. With `compress`, `.1` must
 * have been compressed first (compressRotatedLog), or it is overwritten uncompressed.
 */
export function rotateLogFiles(logPath: string, maxFile: number, compress = false): void {
  for (const { from, to } of rotationRenames(logPath, maxFile, compress)) {
    try {
      renameSync(from, to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/**
 * Gzips `<log>.1` into `<log>.1.gz` (written aside, then renamed) and removes it. Only once conmon has reopened
 * the log: until then it may still write to `.1`. Nothing to do when there is no `.1`.
 */
export async function compressRotatedLog(logPath: string): Promise<void> {
  const plain = rotatedLogPath(logPath, 1);
  if (!exists(plain)) return;
  const aside = `${plain}.gz.tmp`;
  try {
    await pipeline(createReadStream(plain), createGzip(), createWriteStream(aside, { mode: 0o600 }));
    renameSync(aside, `${plain}.gz`);
  } catch (e) {
    rmSync(aside, { force: true });
    throw e;
  }
  rmSync(plain, { force: true });
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
  for (let n = 1; n <= MAX_ROTATED; n++) {
    // The plain file first: while `.1` is being compressed both are there for a moment.
    const file = [rotatedLogPath(logPath, n), `${rotatedLogPath(logPath, n)}.gz`].find(exists);
    if (file === undefined) break;
    files.push(file);
  }
  const lines: string[] = [];
  for (const file of files.reverse()) {
    let text: string;
    try {
      if (statSync(file).ino === skipInode) continue;
      const bytes = readFileSync(file);
      text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
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
