// planCopy: a COPY or ADD resolved against its source, before anything is written (moby's copier, which
// resolves every source first and fails the instruction before copying anything).
import { posix } from 'node:path';
import { copyError } from './context-errors.js';
import { isTarArchive } from './copy-archive.js';
import { digestCopy } from './copy-digest.js';
import { resolveSources } from './copy-sources.js';
import type { CopyEntry, CopyPlan, CopyRequest } from './copy-types.js';

/**
 * Resolves the sources of `req` (wildcards, symlinks inside the source root), decides where each goes and
 * takes the digest. A folder copies its contents; several sources need a `dest` ending in `/`; a single file
 * to a `dest` without `/` is named `dest` unless `dest` is a folder in the image (decided by applyCopy). With
 * `isAdd`, a local tar archive is marked for extraction. Throws ENGINE_BUILD_COPY (invalid or not-found).
 */
export async function planCopy(req: CopyRequest): Promise<CopyPlan> {
  const verb = req.isAdd ? 'ADD' : 'COPY';
  if (!req.dest.startsWith('/')) {
    throw copyError(`${verb} destination "${req.dest}" is not absolute`, 'resolve it against WORKDIR first', {
      kind: 'internal',
    });
  }
  if (req.sources.length === 0) {
    throw copyError(`${verb} failed: no source files were specified`, `write ${verb} <src>... <dest>`);
  }
  const sources = await resolveSources(req.sourceRoot, req.sources, req);
  const destIsDir = req.dest.endsWith('/') || req.dest.endsWith('/.');
  if (sources.length > 1 && !destIsDir) {
    throw copyError(
      `When using ${verb} with more than one source file, the destination must be a directory and end with a /`,
      `write the destination as "${req.dest}/"`,
    );
  }
  const dest = posix.normalize(req.dest).replace(/(.)\/+$/, '$1');
  const entries: CopyEntry[] = [];
  for (const source of sources) {
    if (source.stat.isDirectory()) entries.push({ kind: 'dir', from: source.host, to: dest });
    else if (req.isAdd && source.stat.isFile() && (await isTarArchive(source.host))) {
      entries.push({ kind: 'archive', from: source.host, to: dest });
    } else {
      const name = posix.basename(source.rel);
      const to = destIsDir ? posix.join(dest, name) : dest;
      entries.push({ kind: 'file', from: source.host, to, name, intoExistingDir: !destIsDir });
    }
  }
  return { entries, digest: await digestCopy(req, entries) };
}
