// The files of a build context folder, in the order the docker CLI archives them: a depth-first walk with each
// folder's names sorted, .dockerignore applied, symlinks not followed.
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { IgnoreMatcher } from '../shared/dockerignore.js';

/** One path to archive: `rel` is `/`-separated and relative to the context folder; `stat` is its lstat. */
export interface ContextFile {
  rel: string;
  host: string;
  stat: Stats;
}

/** lstat calls in flight while a folder is listed; the names are still handled in sorted order. */
const STATS_IN_FLIGHT = 16;

/**
 * Walks `dir` (not included itself). An excluded file is left out; an excluded folder is left out and not
 * entered, unless an exception pattern names something under it: then it is entered (its own entry still left
 * out) and what the exceptions re-include is listed, as moby's TarWithOptions does. Sockets are left out.
 */
export async function listContextFiles(dir: string, matcher: IgnoreMatcher): Promise<ContextFile[]> {
  const out: ContextFile[] = [];
  await walk(dir, '', matcher, out);
  return out;
}

async function walk(host: string, rel: string, matcher: IgnoreMatcher, out: ContextFile[]): Promise<void> {
  const names = (await readdir(host)).sort();
  for (let i = 0; i < names.length; i += STATS_IN_FLIGHT) {
    const batch = names.slice(i, i + STATS_IN_FLIGHT).map(async (name) => {
      const childHost = join(host, name);
      return { name, childHost, stat: await lstat(childHost) };
    });
    for (const { name, childHost, stat } of await Promise.all(batch)) {
      if (stat.isSocket()) continue;
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const excluded = matcher.ignores(childRel);
      if (!excluded) out.push({ rel: childRel, host: childHost, stat });
      if (stat.isDirectory() && (!excluded || matcher.mustWalk(childRel))) {
        await walk(childHost, childRel, matcher, out);
      }
    }
  }
}
