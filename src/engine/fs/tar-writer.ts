// Writes the entries of a plain tar stream below a folder. Where each entry may go is the caller's policy
// (`TarTarget`): a build context refuses symlinked parents, ADD resolves them inside the image as a chroot would.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import { lstatOrNull } from './path-entry.js';
import {
  type Entry,
  type Extraction,
  WRITE_NEW,
  entryRel,
  modeOf,
  setMetadata,
  setMetadataSync,
  writeEntry,
} from './tar-entry.js';
import { WritePool } from './write-pool.js';

export { entryRel } from './tar-entry.js';

/**
 * Where entries go. `place(rel)` returns the host path for the entry `rel` (normalized, '' for the archive
 * root), after making sure its parents exist; the last component is never followed. `linkTarget(rel)` returns
 * the host path of a hard link's target (named from the archive root), which must already exist. `owner` picks
 * the entry's owner; `refuse` builds the error for an entry that breaks the rules; `devices` allows device nodes.
 * `removed(rel)` is told when an entry replaced what was at `rel`: that path and everything below it are gone.
 * `fresh` promises that the folder was empty when the extraction began, that nothing else writes into it until
 * it ends, and that `place` gives distinct names distinct paths (it follows no symlink): small files may then be
 * written several at a time.
 */
export interface TarTarget {
  place(rel: string, name: string): Promise<string>;
  linkTarget(rel: string, name: string): Promise<string>;
  owner(header: Header): { uid: number; gid: number };
  refuse(name: string, why: string): Error;
  devices: boolean;
  removed?(rel: string): void;
  fresh?: boolean;
}

/** A regular file as extracted: the sha256 (hex) and size of its content, and its permission bits. */
export interface WrittenFile {
  sha256: string;
  size: number;
  mode: number;
}

/** With `hashFiles`, the result maps the path (as entryRel gives it) of every regular file left to what it holds. */
export interface TarWriteOptions {
  hashFiles?: boolean;
}

/** Files up to this size are read whole and written while the next entries are read (a fresh target only). */
const SMALL_FILE = 1024 * 1024;
const WRITES_IN_FLIGHT = 8;

/** Writes every entry of `source` (a plain tar) through `target`; folder metadata is applied last. */
export async function writeTarEntries(
  source: Readable,
  target: TarTarget,
  opts: TarWriteOptions = {},
): Promise<Map<string, WrittenFile>> {
  const extract = tar.extract();
  source.on('error', (e) => extract.destroy(e));
  source.pipe(extract);
  const files = new Map<string, WrittenFile>();
  const x: Extraction = { target, folders: new Map(), files: opts.hashFiles === true ? files : undefined };
  const pool = new WritePool(WRITES_IN_FLIGHT);
  const seen = new Set<string>(); // every entry path so far, and their parents: those may exist already
  try {
    for await (const item of extract) {
      const entry = item as unknown as Entry; // streamx readables are async-iterable; its types omit it
      if ((entry.header.type as string | undefined) !== 'pax-global-header') {
        const rel = entryRel(entry.header.name, target);
        if (target.fresh === true && isNewSmallFile(entry.header, rel, seen, pool)) {
          await writeConcurrently(entry, rel, x, pool);
        } else {
          await pool.drain(); // an entry that may replace or link to what is being written waits for it
          await writeEntry(entry, rel, x);
        }
        for (let at = rel; at !== '' && !seen.has(at); at = parentOf(at)) seen.add(at);
      }
      for await (const _chunk of entry); // the rest of a body we did not need
    }
    await pool.drain();
  } catch (e) {
    source.destroy();
    await pool.settle();
    throw e;
  }
  const deepestFirst = [...x.folders.entries()].sort(([a], [b]) => b.split('/').length - a.split('/').length);
  for (const [path, header] of deepestFirst) {
    if ((await lstatOrNull(path))?.isDirectory() === true) await setMetadata(path, header, target);
  }
  return files;
}

/**
 * A regular file at a path no earlier entry named (so nothing is there in a fresh folder), below no file being
 * written, and small enough to hold in memory.
 */
function isNewSmallFile(header: Header, rel: string, seen: Set<string>, pool: WritePool): boolean {
  const type = header.type ?? 'file';
  if ((type !== 'file' && type !== 'contiguous-file') || (header.size ?? 0) > SMALL_FILE) return false;
  if (rel === '' || seen.has(rel)) return false;
  for (let at = parentOf(rel); at !== ''; at = parentOf(at)) if (pool.has(at)) return false;
  return true;
}

/** Parents first (the target's checks, in entry order), then the body is read and written in the background. */
async function writeConcurrently(entry: Entry, rel: string, x: Extraction, pool: WritePool): Promise<void> {
  const { header } = entry;
  const path = await x.target.place(rel, header.name);
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(chunk);
  const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const sha256 = x.files === undefined ? '' : createHash('sha256').update(body).digest('hex');
  x.files?.set(rel, { sha256, size: body.length, mode: modeOf(header) });
  await pool.add(rel, async () => {
    await writeFile(path, body, { flag: WRITE_NEW, mode: 0o600 });
    setMetadataSync(path, header, x.target); // the file is ours and new: nothing else can be at `path`
  });
}

function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}
