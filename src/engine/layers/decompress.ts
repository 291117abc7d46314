// Layers arrive as plain or compressed tar; the media type is not always known (docker save does not
// say), so the format is read from the first bytes, as Docker's DecompressStream does.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { decompress, detectCompression, peek } from '../content/compression.js';
import type { Digest } from '../content/digest.js';

/**
 * The uncompressed bytes of a layer stream, by its first bytes (Docker's DecompressStream): gzip is undone
 * in-process; bzip2, xz and zstd (registries serve `tar+zstd` layers; Node 20 has no zstd) by the host's tools, and a
 * missing tool is reported as unavailable ENGINE_TOOL_MISSING with the package to install. Plain tar passes as is.
 */
export async function decompressLayer(input: Readable | Buffer): Promise<Readable> {
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
  const { head, stream } = await peek(source, 6);
  return decompress(stream, detectCompression(head));
}

/** The diffID of a layer blob (plain or gzip): the sha256 of its uncompressed bytes. */
export async function diffIdOf(source: Readable | Buffer): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of await decompressLayer(source)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
