// How `berth cp` copies in each direction, following docker cp's rules (moby/go-archive copy.go: CopyTo,
// PrepareArchiveCopy): into an existing folder the source keeps its name, "SRC/." copies a folder's contents, a
// missing destination takes the source's place under its own name, and "DEST/" must be a folder.
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, dirname, posix, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { isDirMode, isSymlinkMode } from '../../client/archive.js';
import type { EngineClient } from '../../client/types.js';
import { BerthError } from '../../errors.js';
import type { CliContext } from '../context.js';
import type { PackEntry } from '../local-archive.js';
import { extractLocal, packLocal } from '../local-archive.js';
import { byteInput, byteOutput } from '../stdio.js';

export interface CopyFlags {
  archive?: boolean;
  followLink?: boolean;
}

const wantsContents = (p: string): boolean => p === '.' || p.endsWith('/.');
const assertsDir = (p: string): boolean => p.endsWith('/') || wantsContents(p);
/** An absolute local path that keeps a trailing "/" or "/." (Docker's PreserveTrailingDotOrSeparator). */
const localPath = (cwd: string, p: string): string =>
  resolve(cwd, p) + (p.endsWith('/.') || p === '.' ? '/.' : p.endsWith('/') ? '/' : '');
const containerPath = (p: string): string => (p.startsWith('/') ? p : `/${p}`);
/** Where a container symlink at `path` points: an absolute target as is, a relative one from the link's folder. */
const linkedPath = (path: string, target: string): string =>
  posix.isAbsolute(target) ? target : posix.join(posix.dirname(path), target);

/** SERVICE:SRC to a local path (or "-": the tar to stdout). */
export async function copyFromContainer(
  ctx: CliContext,
  client: EngineClient,
  id: string,
  paths: { src: string; dst: string },
  flags: CopyFlags,
): Promise<void> {
  let src = containerPath(paths.src);
  let rebaseName: string | undefined;
  if (flags.followLink) {
    const st = await client.containers.statPath(id, src);
    if (st && isSymlinkMode(st.mode) && st.linkTarget) {
      rebaseName = posix.basename(src);
      src = linkedPath(src, st.linkTarget);
    }
  }
  const { stat: srcStat, tar } = await client.containers.getArchive(id, src);
  if (paths.dst === '-') {
    const out = byteOutput(ctx);
    for await (const chunk of tar) out.stdout(chunk as Buffer);
    out.flush();
    return;
  }
  const srcIsDir = isDirMode(srcStat.mode);
  const dst = localPath(ctx.cwd, paths.dst);
  const dstStat = await stat(dst).catch(() => undefined);
  // The archive's entries sit under one root (the source's name, or "." for "SRC/."); renames replace it.
  const underRoot = (to: string | undefined) => (name: string) => {
    const [, ...rest] = name.split('/');
    if (to === undefined) return rest.join('/') || undefined;
    return [to, ...rest].join('/');
  };
  if (dstStat?.isDirectory()) {
    const keep = wantsContents(src) && srcIsDir ? undefined : (rebaseName ?? posix.basename(src));
    return extractLocal(tar, dst, underRoot(keep));
  }
  if (dstStat && srcIsDir) throw cannotCopyDir(paths.dst);
  if (!dstStat && assertsDir(paths.dst) && !srcIsDir) throw noSuchDir(paths.dst);
  const parent = dirname(dst.replace(/\/\.?$/, ''));
  if (!(await stat(parent).catch(() => undefined))?.isDirectory()) throw noSuchDir(dirname(paths.dst));
  return extractLocal(tar, parent, underRoot(basename(dst.replace(/\/\.?$/, ''))));
}

/** A local path (or "-": a tar from stdin) to SERVICE:DST. */
export async function copyToContainer(
  ctx: CliContext,
  client: EngineClient,
  id: string,
  paths: { src: string; dst: string },
  flags: CopyFlags,
): Promise<void> {
  let dst = containerPath(paths.dst);
  let dstStat = await client.containers.statPath(id, dst);
  if (dstStat && isSymlinkMode(dstStat.mode) && dstStat.linkTarget) {
    dst = linkedPath(dst, dstStat.linkTarget);
    dstStat = await client.containers.statPath(id, dst);
  }
  const dstIsDir = dstStat !== undefined && isDirMode(dstStat.mode);
  if (paths.src === '-') {
    if (!dstIsDir)
      throw new BerthError('CLI_CP_NOT_A_DIRECTORY', `destination "${id}:${paths.dst}" must be a directory`);
    return client.containers.putArchive(id, dst, byteInput(ctx) as Readable, { copyUIDGID: flags.archive });
  }
  const src = localPath(ctx.cwd, paths.src);
  const bare = src.replace(/\/\.?$/, '');
  const srcStat = await (flags.followLink ? stat(bare) : lstat(bare)).catch(() => undefined);
  if (!srcStat) throw new BerthError('CLI_CP_NO_SOURCE', `no such file or directory: ${paths.src}`);
  const srcIsDir = srcStat.isDirectory();
  let into: string;
  let entries: PackEntry[];
  if (dstIsDir) {
    into = dst;
    entries = wantsContents(src) && srcIsDir ? await children(bare) : [{ name: basename(bare), host: bare }];
  } else if (dstStat && srcIsDir) {
    throw cannotCopyDir(paths.dst);
  } else if (!dstStat && !srcIsDir && assertsDir(paths.dst)) {
    throw noSuchDir(paths.dst);
  } else {
    const trimmed = dst.replace(/\/\.?$/, '');
    into = posix.dirname(trimmed);
    entries = [{ name: posix.basename(trimmed), host: bare }];
  }
  const body = packLocal(entries, flags.followLink === true);
  return client.containers.putArchive(id, into, body, { copyUIDGID: flags.archive });
}

async function children(dir: string): Promise<PackEntry[]> {
  return (await readdir(dir)).sort().map((name) => ({ name, host: `${dir}/${name}` }));
}

const cannotCopyDir = (dst: string): BerthError =>
  new BerthError('CLI_CP_DIR_TO_FILE', `cannot copy directory to "${dst}": it exists and is not a directory`);
const noSuchDir = (dst: string): BerthError =>
  new BerthError('CLI_CP_NO_DIRECTORY', `no such directory: ${dst}`, { hint: 'create the folder first' });
