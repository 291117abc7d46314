// Image references as Docker reads them (the grammar of github.com/distribution/reference, normalized as
// ParseNormalizedNamed does): `[host[:port]/][path/]name[:tag][@algo:hex]`. Pure: the stack loader validates
// `image:` with it, and the CLI finds an image's registry with it (the key of its credentials).
// The engine has its own parser (src/engine/images/reference.ts); the two are to be merged into one shared module.

/** A valid reference, normalized: `domain` is `docker.io` for Docker Hub, `path` has `library/` for official images. */
export interface ImageReference {
  domain: string;
  path: string;
  /** Undefined when the reference has a digest and no tag; `latest` when it has neither. */
  tag?: string;
  digest?: string;
}

export type ParsedReference = { ok: true; value: ImageReference } | { ok: false; message: string; hint: string };

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const DOMAIN_ONLY = new RegExp(`^${DOMAIN}$`);
const NAME_MAX = 255;

export const DOCKER_HUB = 'docker.io';

/** Splits off the registry as Docker does: the first component is one if it has `.` or `:`, or is `localhost`. */
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    const path = slash < 0 ? `library/${name}` : name;
    return [DOCKER_HUB, path];
  }
  const domain = first === 'index.docker.io' ? DOCKER_HUB : first;
  const rest = name.slice(slash + 1);
  return [domain, domain === DOCKER_HUB && !rest.includes('/') ? `library/${rest}` : rest];
}

export function parseImageReference(text: string): ParsedReference {
  const fail = (message: string, hint: string): ParsedReference => ({ ok: false, message, hint });
  if (text === '') return fail('image reference is empty', 'name an image, e.g. "nginx:1.27"');
  if (/^[a-f0-9]{64}$/.test(text)) {
    return fail(`"${text}" is an image ID, not a reference`, 'name the image by repository and tag');
  }
  const m = REFERENCE.exec(text);
  if (!m) {
    // Docker's most common mistake first: upper case in the repository (a registry host may have it).
    const [domain, path] = splitDomain(text.split(/[:@]/)[0] as string);
    if (path !== path.toLowerCase() && DOMAIN_ONLY.test(domain)) {
      return fail(`"${text}": repository name must be lowercase`, `write it as "${text.toLowerCase()}"`);
    }
    if (/\s/.test(text)) return fail(`"${text}" has white space`, 'remove the spaces');
    return fail(
      `"${text}" is not a valid image reference`,
      'expected [registry[:port]/][path/]name[:tag][@sha256:digest], e.g. "ghcr.io/org/app:1.2"',
    );
  }
  const name = m[1] as string;
  if (name.length > NAME_MAX) {
    return fail(`"${text}": repository name is longer than ${NAME_MAX} characters`, 'shorten the name');
  }
  const [domain, path] = splitDomain(name);
  if (path !== path.toLowerCase()) {
    return fail(`"${text}": repository name must be lowercase`, `write it as "${text.toLowerCase()}"`);
  }
  const tag = m[2] ?? (m[3] === undefined ? 'latest' : undefined);
  return { ok: true, value: { domain, path, tag, digest: m[3] } };
}

/** The reference in Docker's familiar form for messages: `nginx:latest`, `127.0.0.1:5000/app:1`. */
export function familiarName(ref: ImageReference): string {
  const repo = ref.domain === DOCKER_HUB ? ref.path.replace(/^library\//, '') : `${ref.domain}/${ref.path}`;
  return `${repo}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}
