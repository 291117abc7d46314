// Scratch folders of builds, under <root>/build: the unpacked context, layer tars, overlay mounts of steps. One
// per build, removed when it ends; what a crash leaves (folders, mounts) is removed when berthd starts.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mountPoints, unmount } from '../runtime/overlay.js';

export async function newWorkDir(root: string): Promise<string> {
  const dir = join(root, 'build', randomBytes(8).toString('hex'));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Unmounts whatever is mounted below `dir` (deepest first), then deletes it. */
export async function removeWorkDir(given: string): Promise<void> {
  const dir = await realpath(given).catch(() => given);
  const below = (await mountPoints()).filter((p) => p.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
  for (const target of below) await unmount(target).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}

/** Removes every build folder (berthd start: no build is running). */
export async function removeAllWorkDirs(root: string): Promise<void> {
  const base = join(root, 'build');
  const names = await readdir(base).catch(() => [] as string[]);
  for (const name of names) await removeWorkDir(join(base, name));
}
