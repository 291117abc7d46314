// Where a layer entry may go. Everything is resolved inside the extraction folder without following symlinks:
// a layer can plant a symlink to "/" and then name an entry through it, which must never reach the host.
import { mkdir } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { lstatOrNull, lstatOrNullSync } from '../fs/path-entry.js';
import { join, posix } from 'node:path';
import { EngineError } from '../errors.js';

export function unsafeEntry(name: string, why: string): EngineError {
  return new EngineError('invalid', 'ENGINE_LAYER_UNSAFE', `layer entry "${name}" ${why}`, {
    hint: 'the image is malformed or malicious; nothing of it was extracted',
  });
}

export function invalidEntry(name: string, why: string): EngineError {
  return new EngineError('invalid', 'ENGINE_LAYER_INVALID', `layer entry "${name}" ${why}`);
}

/**
 * The entry's path relative to the layer root ('' for the root itself), normalized. Refuses absolute paths and
 * paths whose `..` climb above the root; `a/../b` is `b`, as Docker's filepath.Clean makes it.
 */
export function entryPath(name: string): string {
  const rel = relativePath(name);
  if (rel === undefined) throw unsafeEntry(name, name.startsWith('/') ? 'has an absolute path' : 'escapes the layer');
  return rel;
}

/** A hard link's target, which tar names from the layer root; the same rules, in the link's own words. */
export function linkTargetPath(name: string, linkname: string): string {
  const rel = relativePath(linkname);
  if (rel === undefined || rel === '') throw unsafeEntry(name, `is a hard link to "${linkname}", outside the layer`);
  return rel;
}

function relativePath(name: string): string | undefined {
  if (name.startsWith('/')) return undefined;
  const normal = posix.normalize(name === '' ? '.' : name).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) return undefined;
  return normal === '.' ? '' : normal;
}

/**
 * Makes sure every parent folder of `rel` under `root` is a real folder (creating missing ones as 0755 root),
 * and returns the absolute path. A parent that is a symlink is refused, whatever it points at.
 */
export async function ensureParents(root: string, rel: string, name: string): Promise<string> {
  const parts = rel.split('/');
  let current = root;
  for (let i = 0; i < parts.length - 1; i++) {
    current = join(current, parts[i] ?? '');
    const stat = await lstatOrNull(current);
    if (stat === null) await mkdir(current, { mode: 0o755 });
    else if (stat.isSymbolicLink())
      throw unsafeEntry(name, `would be written through the symbolic link "${parts.slice(0, i + 1).join('/')}"`);
    else if (!stat.isDirectory())
      throw invalidEntry(name, `has a parent "${parts.slice(0, i + 1).join('/')}" that is not a folder`);
  }
  return join(root, rel);
}

/**
 * ensureParents with synchronous calls, for extractions that own their folder: `known` holds the folders already
 * found real (or made) under `root`, so a layer of 40,000 files does not lstat the same parents 40,000 times. The
 * caller forgets the folders it removes (a later entry could put a symlink in their place).
 */
export function ensureParentsSync(root: string, rel: string, name: string, known: Set<string>): string {
  const parts = rel.split('/');
  let current = root;
  for (let i = 0; i < parts.length - 1; i++) {
    current = join(current, parts[i] ?? '');
    if (known.has(current)) continue;
    const stat = lstatOrNullSync(current);
    if (stat === null) mkdirSync(current, { mode: 0o755 });
    else if (stat.isSymbolicLink())
      throw unsafeEntry(name, `would be written through the symbolic link "${parts.slice(0, i + 1).join('/')}"`);
    else if (!stat.isDirectory())
      throw invalidEntry(name, `has a parent "${parts.slice(0, i + 1).join('/')}" that is not a folder`);
    known.add(current);
  }
  return join(root, rel);
}
