// The data of one COPY or ADD: what the Dockerfile asked for, and the plan that resolved it against a source.
import type { ContextDigests } from './context-digests.js';

/**
 * One COPY or ADD, already variable-expanded. `sources` are relative to `sourceRoot` (the context folder, or
 * another stage's root filesystem for `--from`) and may hold Go filepath.Match wildcards. `dest` is absolute in
 * the image, after WORKDIR resolution by the caller, which must keep a trailing `/` (and `.`, which means the
 * folder itself, as BuildKit reads it). `chown` replaces the owner of everything copied and of the folders
 * created; without it, files from the context are owned by 0:0 and files from a stage keep their owner.
 * `chmod` replaces the permission bits of everything copied (not of created parents, nor symlinks).
 * `contextDigests`, for a context that unpackContext wrote, gives the content hashes of its files, so that the
 * digest reads only the files it does not list (or that no longer match it).
 */
export interface CopyRequest {
  sourceRoot: string;
  sources: string[];
  dest: string;
  chown?: { uid: number; gid: number };
  chmod?: number;
  isAdd: boolean;
  fromContext: boolean;
  contextDigests?: ContextDigests;
}

/**
 * One thing to copy. `dir`: the contents of the folder `from` go into the image folder `to`. `file`: the file
 * (or link target, already followed) `from` becomes `to`; when `intoExistingDir` and `to` turns out to be a
 * folder in the image, it becomes `to/name` instead (Docker decides that against the image, at copy time).
 * `archive`: ADD of a local tar, extracted into the image folder `to`. `from` is an absolute host path inside
 * the source root, `to` an absolute image path.
 */
export type CopyEntry =
  | { kind: 'dir'; from: string; to: string }
  | { kind: 'file'; from: string; to: string; name: string; intoExistingDir: boolean }
  | { kind: 'archive'; from: string; to: string };

/**
 * A resolved COPY: the entries in the order Docker copies them, and `digest`, the cache key part: sha256 over
 * the destination, chown, chmod, and for every entry the relative paths, types, modes, link targets and file
 * contents (owners only when they are kept, mtimes never), so it changes exactly when the result would.
 */
export interface CopyPlan {
  entries: CopyEntry[];
  digest: string;
}
