// berthd's door to the pure reference parser (src/image-reference.ts): the same functions, with a bad reference
// turned into invalid ENGINE_BAD_REFERENCE so the API answers 400 with Docker's wording.
import { type ImageReference, ImageReferenceError, parseReference as parsePure } from '../../image-reference.js';
import { EngineError } from '../errors.js';

export { type ImageReference, familiarName, familiarTag, qualifiedTag } from '../../image-reference.js';

/** Parses and normalizes `ref`; invalid ENGINE_BAD_REFERENCE with Docker's wording when it is not one. */
export function parseReference(ref: string): ImageReference {
  try {
    return parsePure(ref);
  } catch (e) {
    if (!(e instanceof ImageReferenceError)) throw e;
    throw new EngineError('invalid', 'ENGINE_BAD_REFERENCE', e.message, { hint: e.hint, cause: e });
  }
}

/** The repository of a familiar tag or digest reference: busybox:latest → busybox, localhost:5000/a:1 → localhost:5000/a. */
export function repositoryOf(name: string): string {
  const at = name.indexOf('@');
  if (at >= 0) return name.slice(0, at);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}
