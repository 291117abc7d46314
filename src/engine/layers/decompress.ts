// Layers arrive as plain tar or gzip-compressed tar; the media type is not always known (docker save does not
// say), so the format is read from the first bytes, as Docker's DecompressStream does.
import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Digest } from '../content/digest.js';
import { EngineError } from '../errors.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** The uncompressed bytes of a layer stream: gunzipped when it starts with gzip's magic, as-is otherwise. */
export async function decompressLayer(input: Readable | Buffer): Promise<Readable> {
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
  const chunks = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  while (length < ZSTD_MAGIC.length) {
    const next = await chunks.next();
    if (next.done === true) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    head.push(chunk);
    length += chunk.length;
  }
  const first = Buffer.concat(head);
  const rest = Readable.from(
    (async function* () {
      if (first.length > 0) yield first;
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value as Buffer;
    })(),
    { objectMode: false },
  );
  rest.once('close', () => source.destroy()); // a consumer that gives up must not leave a file open
  if (startsWith(first, ZSTD_MAGIC)) {
    rest.destroy();
    throw new EngineError('invalid', 'ENGINE_LAYER_COMPRESSION', 'zstd-compressed layers are not supported', {
      hint: 'export the image with gzip or uncompressed layers',
    });
  }
  if (!startsWith(first, GZIP_MAGIC)) return rest;
  return pipeline(rest, createGunzip(), () => undefined);
}

function startsWith(data: Buffer, magic: readonly number[]): boolean {
  return data.length >= magic.length && magic.every((byte, i) => data[i] === byte);
}

/** The diffID of a layer blob (plain or gzip): the sha256 of its uncompressed bytes. */
export async function diffIdOf(source: Readable | Buffer): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of await decompressLayer(source)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
