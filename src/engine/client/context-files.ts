// The files of a build context folder, in the order the docker CLI archives them: a depth-first walk with each
// folder's names sorted, .dockerignore applied, symlinks not followed.
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { IgnoreMatcher } from './dockerignore.js';

/** One path to archive: `rel` is `/`-separated and relative to the context folder; `stat` is its lstat. */
export interface ContextFile {
  rel: string;
  host: string;
  stat: Stats;
}

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
  for (const name of names) {
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const childHost = join(host, name);
    const stat = await lstat(childHost);
    if (stat.isSocket()) continue;
    const excluded = matcher.ignores(childRel);
    if (!excluded) out.push({ rel: childRel, host: childHost, stat });
    if (stat.isDirectory() && (!excluded || matcher.mustWalk(childRel))) await walk(childHost, childRel, matcher, out);
  }
}
