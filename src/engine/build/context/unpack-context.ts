// Unpacks the build context a client POSTed to /build into an empty folder. The archive is untrusted: no entry
// may land outside the folder, and none may be written through a symlink an earlier entry planted.
import { mkdir, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError } from '../../errors.js';
import { lstatOrNull } from '../../fs/path-entry.js';
import { decompress, detectCompression, peek } from '../../content/compression.js';
import type { ContextDigests } from './context-digests.js';
import { contextError } from './context-errors.js';
import { type TarTarget, writeTarEntries } from '../../fs/tar-writer.js';

/**
 * Unpacks `tar` (plain or gzip, told apart by its first bytes; bzip2, xz and zstd are refused) into `dir`,
 * which must be empty or missing. Absolute names are made relative; `..` that climbs out, a parent that is a
 * symlink, and hard links to what is not in the context fail with invalid ENGINE_BUILD_CONTEXT. Modes and
 * mtimes are kept; everything is owned by 0:0 whatever the archive says. Device nodes are refused. Returns the
 * content hash of every regular file, for the build's COPY steps (see context-digests.ts).
 */
export async function unpackContext(tar: Readable, dir: string): Promise<ContextDigests> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  if ((await readdir(dir)).length > 0) {
    throw new EngineError('internal', 'ENGINE_BUILD_CONTEXT', `cannot unpack a build context into "${dir}": not empty`);
  }
  const root = await realpath(dir);
  const { head, stream } = await peek(tar, 6);
  const kind = detectCompression(head);
  if (kind !== 'none' && kind !== 'gzip') {
    stream.destroy();
    throw contextError(
      `the build context is ${kind}-compressed, which is not supported`,
      'send the context as a plain or gzip-compressed tar',
    );
  }
  const known = new Set<string>(); // folders this extraction made or found real; the root is empty, so they stay so
  const target: TarTarget = {
    place: (rel, name) => placeStrict({ root, known }, rel, name),
    linkTarget: (rel, name) => placeStrict({ root, known }, rel, name),
    owner: () => ({ uid: 0, gid: 0 }),
    refuse: (name, why) => contextError(`build context entry "${name}" ${why}`),
    devices: false,
    removed: (rel) => {
      for (const folder of known) if (folder === rel || folder.startsWith(`${rel}/`)) known.delete(folder);
    },
    fresh: true,
  };
  try {
    const files = await writeTarEntries(decompress(stream, kind), target, { hashFiles: true });
    return { root, files };
  } catch (e) {
    throw asContextError(e);
  }
}

/**
 * Creates missing parents as 0755 folders; a parent that is a symlink or not a folder is refused. A parent in
 * `known` was checked (or made) by an earlier entry and has not been replaced since, so it is not checked again.
 */
async function placeStrict(at: { root: string; known: Set<string> }, rel: string, name: string): Promise<string> {
  if (rel === '') return at.root;
  const parts = rel.split('/');
  let current = at.root;
  let shown = '';
  for (let i = 0; i < parts.length - 1; i++) {
    current = join(current, parts[i] as string);
    shown = i === 0 ? (parts[0] as string) : `${shown}/${parts[i] as string}`;
    if (at.known.has(shown)) continue;
    const stat = await lstatOrNull(current);
    if (stat === null) await mkdir(current, { mode: 0o755 });
    else if (stat.isSymbolicLink()) {
      throw contextError(`build context entry "${name}" would be written through the symbolic link "${shown}"`);
    } else if (!stat.isDirectory()) {
      throw contextError(`build context entry "${name}" has a parent "${shown}" that is not a folder`);
    }
    at.known.add(shown);
  }
  return join(at.root, rel);
}

/** tar and gzip parse errors are the archive's fault; errors of the host (ENOSPC, EACCES...) pass unchanged. */
function asContextError(e: unknown): unknown {
  if (e instanceof EngineError || (e as NodeJS.ErrnoException).syscall !== undefined) return e;
  const message = e instanceof Error ? e.message : String(e);
  return contextError(`the build context is not a valid tar archive: ${message}`, undefined, e);
}
