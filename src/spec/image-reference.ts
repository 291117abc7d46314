// Image references for the stack loader and the CLI: Docker's grammar is src/image-reference.ts (shared with
// berthd); this adapter gives the result as data, split into registry and path, with messages and hints worded for a
// stack file. Pure.
import { ImageReferenceError, parseReference } from '../image-reference.js';

/** A valid reference, normalized: `domain` is `docker.io` for Docker Hub, `path` has `library/` for official images. */
export interface ImageReference {
  domain: string;
  path: string;
  /** Undefined when the reference has a digest and no tag; `latest` when it has neither. */
  tag?: string;
  digest?: string;
}

export type ParsedReference = { ok: true; value: ImageReference } | { ok: false; message: string; hint: string };

export const DOCKER_HUB = 'docker.io';

export function parseImageReference(text: string): ParsedReference {
  const fail = (message: string, hint: string): ParsedReference => ({ ok: false, message, hint });
  if (text === '') return fail('image reference is empty', 'name an image, e.g. "nginx:1.27"');
  try {
    const ref = parseReference(text);
    const slash = ref.name.indexOf('/');
    const tag = ref.tag ?? (ref.digest === undefined ? 'latest' : undefined);
    return {
      ok: true,
      value: { domain: ref.name.slice(0, slash), path: ref.name.slice(slash + 1), tag, digest: ref.digest },
    };
  } catch (e) {
    if (!(e instanceof ImageReferenceError)) throw e;
    if (e.reason.includes('image ID')) {
      return fail(`"${text}" is an image ID, not a reference`, 'name the image by repository and tag');
    }
    if (e.reason === 'must be lowercase') {
      return fail(`"${text}": repository name must be lowercase`, `write it as "${text.toLowerCase()}"`);
    }
    if (/\s/.test(text)) return fail(`"${text}" has white space`, 'remove the spaces');
    return fail(
      `"${text}" is not a valid image reference: it ${e.reason}`,
      'expected [registry[:port]/][path/]name[:tag][@sha256:digest], e.g. "ghcr.io/org/app:1.2"',
    );
  }
}

/** The reference in Docker's familiar form for messages: `nginx:latest`, `127.0.0.1:5000/app:1`. */
export function familiarName(ref: ImageReference): string {
  const repo = ref.domain === DOCKER_HUB ? ref.path.replace(/^library\//, '') : `${ref.domain}/${ref.path}`;
  return `${repo}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}
