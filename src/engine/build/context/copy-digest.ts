// The cache key part of a COPY: a sha256 over what the copy would produce, read from the sources. mtimes and
// (unless kept) owners are left out, so touching or re-cloning a file does not break the build cache.
import { createHash, type Hash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { type ContextDigests, knownContentHash } from './context-digests.js';
import type { CopyEntry, CopyRequest } from './copy-types.js';

/** Folder entries whose lstat runs at once while a folder is walked; they are still recorded in name order. */
const STATS_IN_FLIGHT = 16;

/** sha256 over the request's destination and options, then each entry's tree, in plan order. */
export async function digestCopy(req: CopyRequest, entries: readonly CopyEntry[]): Promise<string> {
  const keepOwners = req.chown === undefined && !req.fromContext;
  const known = req.contextDigests;
  const hash = createHash('sha256');
  const options = { v: 1, add: req.isAdd, dest: req.dest, chown: req.chown ?? null, chmod: req.chmod ?? null };
  hash.update(`${JSON.stringify({ ...options, keepOwners })}\n`);
  for (const entry of entries) {
    if (entry.kind === 'dir') {
      record(hash, ['dir', entry.to]);
      await digestTree(hash, { host: entry.from, rel: '', keepOwners, known });
    } else if (entry.kind === 'archive') {
      record(hash, ['archive', entry.to, await contentHash(entry.from)]);
    } else {
      const st = await lstat(entry.from);
      const described = await describe(entry.from, st, known);
      record(hash, ['file', entry.to, entry.name, String(entry.intoExistingDir), ...described]);
      if (keepOwners) record(hash, ['owner', `${st.uid}:${st.gid}`]);
    }
  }
  return `sha256:${hash.digest('hex')}`;
}

interface TreeWalk {
  host: string;
  rel: string;
  keepOwners: boolean;
  known: ContextDigests | undefined;
}

async function digestTree(hash: Hash, walk: TreeWalk): Promise<void> {
  const names = (await readdir(walk.host)).sort();
  for (let i = 0; i < names.length; i += STATS_IN_FLIGHT) {
    const batch = names.slice(i, i + STATS_IN_FLIGHT).map(async (name) => {
      const path = join(walk.host, name);
      const st = await lstat(path);
      return { name, path, st, described: st.isSocket() ? [] : await describe(path, st, walk.known) };
    });
    for (const { name, path, st, described } of await Promise.all(batch)) {
      if (st.isSocket()) continue;
      const childRel = posix.join(walk.rel, name);
      record(hash, [childRel, ...described]);
      if (walk.keepOwners) record(hash, ['owner', `${st.uid}:${st.gid}`]);
      if (st.isDirectory()) await digestTree(hash, { ...walk, host: path, rel: childRel });
    }
  }
}

/** Type, permission bits, and the link target, content hash or device number. */
async function describe(path: string, st: Stats, known: ContextDigests | undefined): Promise<string[]> {
  const mode = (st.mode & 0o7777).toString(8);
  if (st.isDirectory()) return ['d', mode];
  if (st.isSymbolicLink()) return ['l', mode, await readlink(path)];
  if (st.isFile()) {
    const sha256 = known === undefined ? undefined : knownContentHash(known, path, st);
    return ['f', mode, sha256 ?? (await contentHash(path))];
  }
  return [st.isFIFO() ? 'p' : st.isCharacterDevice() ? 'c' : 'b', mode, String(st.rdev)];
}

async function contentHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One record a line, as a JSON array: no file name (not even one with a newline) can forge a boundary. */
function record(hash: Hash, fields: string[]): void {
  hash.update(`${JSON.stringify(fields)}\n`);
}
