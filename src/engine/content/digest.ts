// Content digests as OCI writes them: `sha256:<64 lowercase hex>`. Other algorithms are refused, not guessed at.
import { createHash } from 'node:crypto';
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
