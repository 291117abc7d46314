// Which names `docker rmi REF` removes from an image, and when it must refuse, as dockerd decides it (pure).
import { EngineError } from '../errors.js';
import type { ImageRecord } from './image-index.js';
import { familiarName, familiarTag, parseReference, repositoryOf } from './reference.js';
import { isIdReference } from './resolve-image.js';

/**
 * The names `ref` removes from `record`: every name for an image ID, else the one name, with the repository's
 * digest references when it is the repository's last tag. Without `force`, conflict when an ID names an image of
 * several repositories, or when a container uses the image and this would remove its last name (`inUse`).
 */
export function namesToRemove(record: ImageRecord, ref: string, opts: { force: boolean; inUse: boolean }): string[] {
  const { force, inUse } = opts;
  const names = [...record.repoTags, ...record.repoDigests];
  let untagged: string[];
  if (isIdReference(ref, record)) {
    if (!force && new Set(names.map(repositoryOf)).size > 1) {
      throw conflict(
        'ENGINE_IMAGE_MULTIPLE_REPOSITORIES',
        `unable to delete ${short(record.id)} (must be forced) - image is referenced in multiple repositories`,
      );
    }
    if (!force && inUse) {
      throw conflict(
        'ENGINE_IMAGE_IN_USE',
        `unable to delete ${short(record.id)} (must be forced) - image is being used by a container`,
      );
    }
    untagged = names;
  } else {
    const parsed = parseReference(ref);
    const name = parsed.digest === undefined ? familiarTag(parsed) : `${familiarName(parsed.name)}@${parsed.digest}`;
    if (!force && inUse && names.length === 1) {
      throw conflict(
        'ENGINE_IMAGE_IN_USE',
        `unable to remove repository reference "${ref}" (must force) - a container is using its referenced image ${short(record.id)}`,
      );
    }
    untagged = [name];
    // As dockerd does: the last tag of a repository takes that repository's digest references with it.
    const repo = repositoryOf(name);
    if (parsed.digest === undefined && !record.repoTags.some((t) => t !== name && repositoryOf(t) === repo)) {
      untagged.push(...record.repoDigests.filter((d) => repositoryOf(d) === repo));
    }
  }
  return untagged;
}

function short(id: string): string {
  return id.slice('sha256:'.length, 'sha256:'.length + 12);
}

function conflict(code: string, message: string): EngineError {
  return new EngineError('conflict', code, `conflict: ${message}`, {
    hint: 'remove the containers first, or use force',
  });
}
