// The first step of `docker load`: every file of the archive goes into the content store, named by its digest,
// and the archive's paths are kept only as a map. Nothing is written under an archive path, so a hostile
// archive cannot place files anywhere; its paths are still checked, and one that climbs out is refused.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { BlobInfo, ContentStore } from '../content/content-store.js';
import { EngineError } from '../errors.js';

/** What an archive holds: its files by normalized path. Links are resolved to the file they name. */
export interface StagedArchive {
  files: ReadonlyMap<string, BlobInfo>;
}

export async function stageArchive(content: ContentStore, archive: Readable): Promise<StagedArchive> {
  const files = new Map<string, BlobInfo>();
  const links = new Map<string, string>(); // path -> path it names
  const extract = tar.extract();
  archive.on('error', (e) => extract.destroy(e));
  archive.pipe(extract);
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const path = archivePath(header.name);
      if (header.type === 'file' || header.type === 'contiguous-file') {
        files.set(path, await content.ingest(entry as unknown as Readable));
      } else if (header.type === 'symlink') {
        links.set(path, posix.join(posix.dirname(path), header.linkname));
      } else if (header.type === 'link') {
        links.set(path, header.linkname);
      }
      entry.resume();
    }
  } catch (e) {
    // Read the rest and throw it away rather than destroy the stream: for `docker load` it is the request, and
    // destroying it drops the connection, so the client saw "EOF" instead of the error it is about to be sent.
    archive.unpipe(extract);
    archive.resume();
    if (e instanceof EngineError || (e as NodeJS.ErrnoException).syscall !== undefined) throw e;
    throw new EngineError('invalid', 'ENGINE_ARCHIVE_INVALID', `the image archive is not a valid tar: ${String(e)}`, {
      cause: e,
    });
  }
  for (const [path, target] of links) {
    const blob = follow(target, files, links);
    if (blob !== undefined) files.set(path, blob);
  }
  return { files };
}

/** The file at `path` in the archive, following links; invalid ENGINE_ARCHIVE_INVALID when it is missing. */
export function archiveFile(staged: StagedArchive, path: string, what: string): BlobInfo {
  const blob = staged.files.get(posix.normalize(path).replace(/^\.\//, ''));
  if (blob !== undefined) return blob;
  throw new EngineError('invalid', 'ENGINE_ARCHIVE_INVALID', `the image archive has no ${what} "${path}"`, {
    hint: 'the archive is incomplete; export it again with docker save',
  });
}

function archivePath(name: string): string {
  const normal = posix.normalize(name).replace(/\/+$/, '');
  if (name.startsWith('/') || normal === '..' || normal.startsWith('../')) {
    throw new EngineError('invalid', 'ENGINE_ARCHIVE_UNSAFE', `image archive entry "${name}" escapes the archive`, {
      hint: 'the archive is malformed or malicious; nothing of it was loaded',
    });
  }
  return normal;
}

function follow(
  path: string,
  files: ReadonlyMap<string, BlobInfo>,
  links: ReadonlyMap<string, string>,
): BlobInfo | undefined {
  let current = posix.normalize(path);
  for (let hops = 0; hops < 16; hops++) {
    const blob = files.get(current);
    if (blob !== undefined) return blob;
    const next = links.get(current);
    if (next === undefined) return undefined;
    current = posix.normalize(next);
  }
  return undefined;
}
