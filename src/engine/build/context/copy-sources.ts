// COPY and ADD sources, resolved as moby's copier does: the leading `/` or `./` trimmed, wildcards expanded,
// symlinks followed inside the source root (an absolute link target is read from the root, as in a chroot).
import type { Stats } from 'node:fs';
import { readlink, realpath, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { cleanPath } from '../../../shared/dockerignore.js';
import { lstatOrNull } from '../../fs/path-entry.js';
import { copyError } from './context-errors.js';
import { expandWildcards, hasWildcards } from './copy-match.js';

/** A source found: `rel` as named (cleaned), `host` with every symlink followed, and the followed stat. */
export interface ResolvedSource {
  rel: string;
  host: string;
  stat: Stats;
}

const MAX_LINKS = 255;

/** Every source of a COPY in order, wildcards expanded; throws ENGINE_BUILD_COPY naming the first bad one. */
export async function resolveSources(
  sourceRoot: string,
  sources: readonly string[],
  opts: { isAdd: boolean; fromContext: boolean },
): Promise<ResolvedSource[]> {
  const root = await realpath(sourceRoot);
  const out: ResolvedSource[] = [];
  for (const source of sources) {
    refuseUrl(source, opts.isAdd);
    const trimmed = trimLeadingPath(source);
    if (!hasWildcards(trimmed)) {
      out.push(await resolveOne(root, trimmed, opts.fromContext));
      continue;
    }
    const matches = await expandWildcards(root, trimmed);
    if (matches.length === 0) {
      throw copyError(`${opts.isAdd ? 'ADD' : 'COPY'} failed: no source files were specified`, noMatchHint(source), {
        kind: 'not-found',
      });
    }
    for (const rel of matches) out.push(await resolveOne(root, rel, opts.fromContext));
  }
  return out;
}

/** moby's trimLeadingPath: one leading `/` (unless the path is `/`), then one leading `./`. */
function trimLeadingPath(path: string): string {
  const trimmed = path.length > 1 && path.startsWith('/') ? path.slice(1) : path;
  return trimmed.startsWith('./') ? trimmed.slice(2) : trimmed;
}

function refuseUrl(source: string, isAdd: boolean): void {
  if (!/^(https?:\/\/|git@|git:\/\/)/i.test(source)) return;
  if (!isAdd) {
    throw copyError(`source can't be a URL for COPY: "${source}"`, 'use ADD, or download it with RUN curl or wget');
  }
  throw copyError(`ADD from a URL is not supported by berthd: "${source}"`, 'download it in a RUN step (curl, wget)');
}

async function resolveOne(root: string, rel: string, fromContext: boolean): Promise<ResolvedSource> {
  const clean = cleanPath(rel);
  if (clean === '..' || clean.startsWith('../')) throw forbidden(rel, clean, fromContext);
  const host = await followInRoot(root, clean === '.' ? '' : clean, rel, fromContext);
  const st = await stat(host).catch(() => null);
  if (st === null) {
    const where = fromContext ? 'file not found in build context or excluded by .dockerignore' : 'file not found';
    throw copyError(`${where}: stat ${rel}: file does not exist`, notFoundHint(fromContext), { kind: 'not-found' });
  }
  return { rel: clean, host, stat: st };
}

/** The host path of `rel` below `root` with every symlink followed inside `root`; refuses links that climb out. */
async function followInRoot(root: string, rel: string, named: string, fromContext: boolean): Promise<string> {
  const pending = rel.split('/').filter((s) => s !== '' && s !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      if (done.length === 0) throw forbidden(named, rel, fromContext, true);
      done.pop();
      continue;
    }
    const here = join(root, ...done, part);
    if ((await lstatOrNull(here))?.isSymbolicLink() !== true) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw copyError(`too many levels of symbolic links in "${named}"`, 'fix the link loop');
    const target = await readlink(here);
    if (target.startsWith('/')) done.length = 0; // absolute targets are read from the source root
    pending.unshift(...target.split('/').filter((s) => s !== '' && s !== '.'));
  }
  return join(root, ...done);
}

function forbidden(named: string, clean: string, fromContext: boolean, viaLink = false): Error {
  const where = fromContext ? 'the build context' : 'the source stage';
  return copyError(
    `forbidden path outside ${where}: ${named} (${viaLink ? `a symbolic link in ${posix.normalize(clean)} leads out` : clean})`,
    fromContext
      ? 'COPY and ADD read only from the build context; move the file into it or widen build.context'
      : 'COPY --from reads only inside that stage or image',
  );
}

function noMatchHint(source: string): string {
  return `nothing matches "${source}"; check the pattern and the .dockerignore`;
}

function notFoundHint(fromContext: boolean): string {
  return fromContext
    ? 'paths are relative to the build context; check the name and that .dockerignore does not exclude it'
    : 'check the path inside the stage or image named by --from';
}
