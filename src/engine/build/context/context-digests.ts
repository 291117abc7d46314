// What unpacking a build context learned about its regular files, handed to the build that uses the folder, so
// that COPY's cache key need not read the files back from disk (dockerd's classic builder also hashes the
// context while it unpacks it).
import type { Stats } from 'node:fs';
import type { WrittenFile } from '../../fs/tar-writer.js';

/**
 * The regular files of an unpacked context: `root` is the context folder with symlinks resolved, `files` maps a
 * `/`-separated path below it to what the file held when it was written. Nothing writes into the folder after
 * unpacking but pruneBuildFiles, which only deletes.
 */
export interface ContextDigests {
  root: string;
  files: ReadonlyMap<string, WrittenFile>;
}

/**
 * The content hash of the file at `path` (absolute, symlinks resolved) as unpacked, or undefined when it is not a
 * regular file of the context or `st` (its lstat now) differs in size or mode from what was written.
 */
export function knownContentHash(digests: ContextDigests, path: string, st: Stats): string | undefined {
  if (!path.startsWith(`${digests.root}/`)) return undefined;
  const file = digests.files.get(path.slice(digests.root.length + 1));
  if (file === undefined || !st.isFile() || file.size !== st.size || file.mode !== (st.mode & 0o7777)) return undefined;
  return file.sha256;
}
