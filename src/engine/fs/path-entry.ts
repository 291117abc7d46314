// What is at a path, never following it: an lstat that answers null for nothing there, removing whatever is
// there (a symlink itself, never its target), and whether a path has no symlink in it. Every extraction and
// copy of berthd (layers, build contexts, docker cp) checks paths with these.
import { lstatSync, rmSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, realpath, rm } from 'node:fs/promises';

export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export function lstatOrNullSync(path: string): Stats | null {
  return lstatSync(path, { throwIfNoEntry: false }) ?? null;
}

/** Removes whatever is at `path` (a symlink itself, never its target), unless it is a folder and `keepFolder`. */
export async function clearPath(path: string, keepFolder: boolean): Promise<boolean> {
  const stat = await lstatOrNull(path);
  if (stat === null || (keepFolder && stat.isDirectory())) return false;
  await rm(path, { recursive: true, force: true });
  return true;
}

/** clearPath with synchronous calls, for extractions that own their folder (see ensureParentsSync in layers/). */
export function clearPathSync(path: string, keepFolder: boolean): boolean {
  const stat = lstatOrNullSync(path);
  if (stat === null || (keepFolder && stat.isDirectory())) return false;
  rmSync(path, { recursive: true, force: true });
  return true;
}

/** True when `path` resolves to itself: no component of it is a symlink. */
export async function isReal(path: string): Promise<boolean> {
  try {
    return (await realpath(path)) === path;
  } catch {
    return false;
  }
}
