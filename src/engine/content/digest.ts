// Content digests as OCI writes them: `sha256:<64 lowercase hex>`. Other algorithms are refused, not guessed at.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { EngineError } from '../errors.js';

/** A digest string known to match DIGEST_PATTERN. */
export type Digest = `sha256:${string}`;

const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST_PATTERN.test(value);
}

/** Returns `value` as a Digest, or throws invalid ENGINE_BAD_DIGEST naming it. */
export function parseDigest(value: unknown, what = 'digest'): Digest {
  if (isDigest(value)) return value;
  throw new EngineError('invalid', 'ENGINE_BAD_DIGEST', `${what} "${String(value)}" is not a sha256 digest`, {
    hint: 'digests look like sha256:<64 lowercase hex characters>',
  });
}

/** The 64-hex part of a digest, used as a file name. */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

export function sha256Of(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * A pass-through that hashes what streams through it: the digest and size of bytes on their way elsewhere (a tar
 * as it is written, a layer as it is unpacked), without reading them again. `result` once the stream has ended.
 */
export function sha256Tap(highWaterMark?: number): { tap: Transform; result: () => { digest: Digest; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    ...(highWaterMark === undefined ? {} : { highWaterMark }),
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { tap, result: () => ({ digest: `sha256:${hash.digest('hex')}`, size }) };
}
