// Layers arrive as plain or compressed tar; the media type is not always known (docker save does not
// say), so the format is read from the first bytes, as Docker's DecompressStream does.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { decompress, detectCompression, peek } from '../content/compression.js';
import type { Digest } from '../content/digest.js';
import { EngineError } from '../errors.js';

/**
 * The uncompressed bytes of a layer stream, by its first bytes (Docker's DecompressStream): gzip, bzip2 and xz are
 * undone, plain tar passes as is, zstd is refused.
 */
export async function decompressLayer(input: Readable | Buffer): Promise<Readable> {
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
  const { head, stream } = await peek(source, 6);
  const kind = detectCompression(head);
  if (kind === 'zstd') {
    stream.destroy();
    throw new EngineError('invalid', 'ENGINE_LAYER_COMPRESSION', 'zstd-compressed layers are not supported', {
      hint: 'export the image with gzip or uncompressed layers',
    });
  }
  return decompress(stream, kind);
}

/** The diffID of a layer blob (plain or gzip): the sha256 of its uncompressed bytes. */
export async function diffIdOf(source: Readable | Buffer): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of await decompressLayer(source)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
