// Finding an image the way `docker image inspect REF` does: by reference first (busybox, busybox:latest and
// docker.io/library/busybox:latest are one), then by ID: full, `sha256:` prefixed, or any unique prefix.
import type { Digest } from '../content/digest.js';
import { EngineError } from '../errors.js';
import type { ImageRecord } from './image-index.js';
import { familiarName, familiarTag, parseReference } from './reference.js';

/** The image `ref` names, or undefined. A malformed reference or an ambiguous ID prefix is an invalid error. */
export function resolveImage(records: ReadonlyMap<Digest, ImageRecord>, ref: string): ImageRecord | undefined {
  const idHex = /^(?:sha256:)?([a-f0-9]{1,64})$/.exec(ref)?.[1];
  if (ref.startsWith('sha256:') || /^[a-f0-9]{64}$/.test(ref)) {
    return idHex === undefined ? undefined : byIdPrefix(records, idHex, ref);
  }
  const parsed = parseReference(ref);
  const want = parsed.digest === undefined ? familiarTag(parsed) : `${familiarName(parsed.name)}@${parsed.digest}`;
  for (const record of records.values()) {
    if (record.repoTags.includes(want) || record.repoDigests.includes(want)) return record;
  }
  return idHex === undefined ? undefined : byIdPrefix(records, idHex, ref);
}

/** True when `ref` is the image's ID or a prefix of it rather than one of its names (rmi then removes the image). */
export function isIdReference(ref: string, record: ImageRecord): boolean {
  const hex = /^(?:sha256:)?([a-f0-9]{1,64})$/.exec(ref)?.[1];
  return hex !== undefined && record.id.slice('sha256:'.length).startsWith(hex) && !namesImage(ref, record);
}

function namesImage(ref: string, record: ImageRecord): boolean {
  if (ref.startsWith('sha256:') || /^[a-f0-9]{64}$/.test(ref)) return false;
  return record.repoTags.includes(familiarTag(parseReference(ref)));
}

function byIdPrefix(records: ReadonlyMap<Digest, ImageRecord>, hex: string, ref: string): ImageRecord | undefined {
  const matches = [...records.values()].filter((r) => r.id.slice('sha256:'.length).startsWith(hex));
  if (matches.length > 1) {
    throw new EngineError(
      'invalid',
      'ENGINE_IMAGE_AMBIGUOUS',
      `image ID prefix "${ref}" matches ${matches.length} images`,
      {
        hint: 'give more characters of the image ID',
      },
    );
  }
  return matches[0];
}
