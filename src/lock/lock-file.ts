// Where the lock lives and how it is read and written: `berth.lock` beside the first stack file, written to a
// temporary name and renamed, so a reader sees the old lock or the new one, never half of one.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LOCK_FILE_NAME, type LockFile } from './model.js';
import { lockText, parseLock } from './text.js';

/** The lock beside the first stack file (the project folder when the stack came from standard input). */
export function lockPathFor(files: readonly string[], projectDir: string): string {
  const first = files[0];
  return join(first === undefined || first === '-' ? projectDir : dirname(first), LOCK_FILE_NAME);
}

export function readLockFile(path: string): LockFile | undefined {
  if (!existsSync(path)) return undefined;
  return parseLock(readFileSync(path, 'utf8'), path);
}

export function writeLockFile(path: string, lock: LockFile): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, lockText(lock));
  renameSync(temp, path);
}

/**
 * The time builds are fixed to when the user gives no SOURCE_DATE_EPOCH: the newest commit of the folder's git
 * history (as reproducible-builds.org suggests), or 0 outside a repository.
 */
export function commitEpoch(dir: string): number {
  const r = spawnSync('git', ['log', '-1', '--format=%ct', '--', '.'], { cwd: dir, encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return r.status === 0 && Number.isInteger(n) && r.stdout.trim() !== '' ? n : 0;
}
