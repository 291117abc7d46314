// The daemon half of .dockerignore: the client always sends the .dockerignore and the Dockerfile, and the
// daemon removes them from the context when they are ignored (moby's remotecontext removeDockerfile), so that
// `COPY . .` does not copy them. Call it after reading the Dockerfile and before the first COPY.
import { readFile, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { compileIgnore, parseDockerignore } from '../../../shared/dockerignore.js';
import { isReal, lstatOrNull } from '../../fs/path-entry.js';

/**
 * Removes `.dockerignore` and `dockerfileName` (relative to `dir`, `/`-separated) from the unpacked context
 * `dir` when its .dockerignore excludes them. Returns the names removed. A missing .dockerignore removes nothing.
 */
export async function pruneBuildFiles(dir: string, dockerfileName: string): Promise<string[]> {
  const root = await realpath(dir);
  const ignoreFile = join(root, '.dockerignore');
  if ((await lstatOrNull(ignoreFile))?.isFile() !== true) return [];
  const matcher = compileIgnore(parseDockerignore(await readFile(ignoreFile, 'utf8')));
  const removed: string[] = [];
  for (const name of ['.dockerignore', dockerfileName]) {
    const path = join(root, name);
    if (name.split('/').includes('..') || !matcher.ignores(name)) continue;
    if (!(await isReal(dirname(path)))) continue; // never delete through a symlink the context planted
    await rm(path, { force: true });
    removed.push(name);
  }
  return removed;
}
