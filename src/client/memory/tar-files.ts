// The in-memory engine reads tar streams (build contexts, `docker save` archives) into maps of files: one reader
// for both, with the caller choosing which entries to keep.
import type { Readable } from 'node:stream';
import tar from 'tar-stream';

/** The entries of `archive` that `keep` accepts (by header), by name; rejects when the stream is not a tar. */
export async function readTarFiles(
  archive: Readable,
  keep: (header: { name: string; type?: string | null }) => boolean,
): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (d: unknown) => chunks.push(d as Buffer));
    stream.on('end', () => {
      if (keep(header)) files.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', () => resolve());
    extract.on('error', reject);
    archive.on('error', reject);
    archive.pipe(extract);
  });
  return files;
}
