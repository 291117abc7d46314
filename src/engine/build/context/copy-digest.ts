// The cache key part of a COPY: a sha256 over what the copy would produce, read from the sources. mtimes and
// (unless kept) owners are left out, so touching or re-cloning a file does not break the build cache.
import { createHash, type Hash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { CopyEntry, CopyRequest } from './copy-types.js';

/** sha256 over the request's destination and options, then each entry's tree, in plan order. */
export async function digestCopy(req: CopyRequest, entries: readonly CopyEntry[]): Promise<string> {
  const keepOwners = req.chown === undefined && !req.fromContext;
  const hash = createHash('sha256');
  const options = { v: 1, add: req.isAdd, dest: req.dest, chown: req.chown ?? null, chmod: req.chmod ?? null };
  hash.update(`${JSON.stringify({ ...options, keepOwners })}\n`);
  for (const entry of entries) {
    if (entry.kind === 'dir') {
      record(hash, ['dir', entry.to]);
      await digestTree(hash, entry.from, '', keepOwners);
    } else if (entry.kind === 'archive') {
      record(hash, ['archive', entry.to, await contentHash(entry.from)]);
    } else {
      const st = await lstat(entry.from);
      record(hash, ['file', entry.to, entry.name, String(entry.intoExistingDir), ...(await describe(entry.from, st))]);
      if (keepOwners) record(hash, ['owner', `${st.uid}:${st.gid}`]);
    }
  }
  return `sha256:${hash.digest('hex')}`;
}

async function digestTree(hash: Hash, host: string, rel: string, keepOwners: boolean): Promise<void> {
  for (const name of (await readdir(host)).sort()) {
    const path = join(host, name);
    const childRel = posix.join(rel, name);
    const st = await lstat(path);
    if (st.isSocket()) continue;
    record(hash, [childRel, ...(await describe(path, st))]);
    if (keepOwners) record(hash, ['owner', `${st.uid}:${st.gid}`]);
    if (st.isDirectory()) await digestTree(hash, path, childRel, keepOwners);
  }
}

/** Type, permission bits, and the link target, content hash or device number. */
async function describe(path: string, st: Stats): Promise<string[]> {
  const mode = (st.mode & 0o7777).toString(8);
  if (st.isDirectory()) return ['d', mode];
  if (st.isSymbolicLink()) return ['l', mode, await readlink(path)];
  if (st.isFile()) return ['f', mode, await contentHash(path)];
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
