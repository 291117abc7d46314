// Durable writes shared by the stores: state files replaced atomically, folders built aside and renamed into
// place, blobs written in full. A crash leaves the old state or the new one, and at worst a temp name to sweep.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to a temp file beside `file`, fsyncs it, renames it over `file`, then fsyncs the folder. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDir(dirname(file));
}

/** writeFileAtomic for callers that must finish before they return (one in-memory change, one write). */
export function writeFileAtomicSync(file: string, data: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Makes the folder `temp` (0755; its parent must exist, on the same filesystem as `final`), lets `fill` write
 * it, then renames it to `final`, so that `final` appears whole or not at all. On any failure `temp` is removed.
 * `temp` should carry a prefix the owner's open() sweeps, for the crash between mkdir and rename.
 */
export async function publishDir<T>(temp: string, final: string, fill: (temp: string) => Promise<T>): Promise<T> {
  await mkdir(temp, { mode: 0o755 });
  try {
    const result = await fill(temp);
    await rename(temp, final);
    return result;
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw e;
  }
}

/** Makes a rename or unlink in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes all of `bytes` at the handle's position: a single write(2) may write less than asked. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}
