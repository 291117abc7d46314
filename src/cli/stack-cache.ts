// Where loaded stacks are kept between runs (src/spec/load-cache.ts decides what is kept and when it is still
// valid): $XDG_CACHE_HOME/berth/stacks, else ~/.cache/berth/stacks, one file per stack (slot). Off with
// BERTH_NO_CACHE=1. Safe by construction: the folder is the user's own and closed to others (else no cache), an
// entry is written to a temporary file and renamed over the old one (a reader sees the old entry or the new one,
// never half of one), and any failure only means loading the stack as if there were no cache.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { isAbsolute, join } from 'node:path';
import type { CacheStore, StackCache } from '../spec/load-cache.js';

/** Entries kept; beyond that the least recently written go (each project and set of -f files takes one). */
export const MAX_ENTRIES = 64;

export function stackCache(env: Readonly<Record<string, string | undefined>>): StackCache | undefined {
  if (env.BERTH_NO_CACHE === '1') return undefined;
  const codeId = bundleIdentity();
  const dir = cacheFolder(env);
  if (!codeId || !dir) return undefined;
  return { codeId, store: fileStore(dir) };
}

/**
 * The code's identity: the bundle berth runs from (bin/berth.js loads dist/berth.cjs), by size, mtime and inode,
 * so a rebuild or an upgrade empties the cache. Run from separate modules (tests on src/), one file says nothing
 * about the code that loads a stack, so there is no cache.
 */
function bundleIdentity(): string | undefined {
  try {
    const file = fileURLToPath(import.meta.url);
    if (!file.endsWith('.cjs')) return undefined;
    const st = statSync(file);
    return `${file}:${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return undefined;
  }
}

function cacheFolder(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : env.HOME && isAbsolute(env.HOME) ? join(env.HOME, '.cache') : undefined;
  return base ? join(base, 'berth', 'stacks') : undefined;
}

/** The folder (created if `create`); undefined unless it is a real folder of ours that no one else can write to. */
function ownFolder(dir: string, create: boolean): string | undefined {
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

export function fileStore(dir: string, maxEntries = MAX_ENTRIES): CacheStore {
  let checked: string | undefined; // looked at once it is found
  const folder = (create: boolean): string | undefined => (checked ??= ownFolder(dir, create));
  return {
    serialize,
    deserialize,
    read(slot) {
      const d = folder(false); // a run that writes nothing leaves no folder behind
      if (!d) return undefined;
      try {
        return readFileSync(join(d, slot));
      } catch {
        return undefined;
      }
    },
    write(slot, bytes) {
      const d = folder(true);
      if (!d) return;
      const tmp = join(d, `.${slot}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      try {
        const fd = openSync(tmp, 'wx', 0o600);
        try {
          writeSync(fd, bytes);
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, join(d, slot));
        prune(d, maxEntries);
      } catch {
        rmSync(tmp, { force: true }); // full disk, read-only folder: no cache this time
      }
    },
  };
}

function prune(dir: string, maxEntries: number): void {
  const all = readdirSync(dir);
  const names = all.filter((n) => !n.startsWith('.'));
  // A temporary file left by a berth that was killed while writing: nobody renames it after a minute.
  for (const n of all.filter((n) => n.endsWith('.tmp'))) {
    const st = statSync(join(dir, n), { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > 60_000) rmSync(join(dir, n), { force: true });
  }
  if (names.length <= maxEntries) return;
  const byAge = names
    .map((n) => ({ n, t: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.t - b.t);
  for (const { n } of byAge.slice(0, names.length - maxEntries)) rmSync(join(dir, n), { force: true });
}
