// Image references as Docker parses them (distribution/reference's ParseNormalizedNamed): `busybox`,
// `busybox:latest` and `docker.io/library/busybox:latest` are one reference; `localhost:5000/x` has a registry.
// Pure: the stack-file loader and berthd both use it; each wraps ImageReferenceError in its own error.
import { BerthError } from './errors.js';

/** A parsed reference. `name` is fully qualified (docker.io/library/busybox); tag and digest are optional. */
export interface ImageReference {
  name: string;
  tag?: string;
  digest?: `sha256:${string}`;
}

/** A string that is not a reference; `reason` is Docker's wording after `invalid reference format: "<ref>"`. */
export class ImageReferenceError extends BerthError {
  readonly reference: string;
  readonly reason: string;
  constructor(reference: string, reason: string) {
    super('REFERENCE_INVALID', `invalid reference format: "${reference}" ${reason}`, {
      hint: 'references look like name, name:tag, registry/name:tag or name@sha256:<hex>',
    });
    this.name = 'ImageReferenceError';
    this.reference = reference;
    this.reason = reason;
  }
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
// A host name, an IPv4 address or a bracketed IPv6 address ([::1]:5000), with an optional port.
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Parses and normalizes `ref`; throws ImageReferenceError with Docker's wording when it is not one. */
export function parseReference(ref: string): ImageReference {
  const bad = (why: string): ImageReferenceError => new ImageReferenceError(ref, why);
  if (/^[a-f0-9]{64}$/.test(ref)) throw bad('is a 64-character hexadecimal string, which is an image ID');
  let rest = ref;
  let digest: `sha256:${string}` | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const value = rest.slice(at + 1);
    if (!DIGEST.test(value)) throw bad('has a digest that is not sha256:<64 hex>');
    digest = value as `sha256:${string}`;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`has an invalid tag "${tag}"`);
  }
  const name = qualify(rest);
  const [domain, ...path] = name.split('/');
  if (!DOMAIN.test(domain ?? '')) throw bad('has an invalid registry');
  if (path.length === 0 || !path.every((c) => COMPONENT.test(c))) {
    throw bad(rest !== rest.toLowerCase() ? 'must be lowercase' : 'has an invalid repository name');
  }
  if (name.length > 255) throw bad('is longer than 255 characters');
  return { name, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** docker.io/library/busybox → busybox, docker.io/me/app → me/app; other registries are kept. */
export function familiarName(name: string): string {
  if (name.startsWith('docker.io/library/') && name.split('/').length === 3)
    return name.slice('docker.io/library/'.length);
  return name.startsWith('docker.io/') ? name.slice('docker.io/'.length) : name;
}

/** The familiar `name:tag` string Docker shows in RepoTags; the tag defaults to latest. */
export function familiarTag(ref: ImageReference): string {
  return `${familiarName(ref.name)}:${ref.tag ?? 'latest'}`;
}

/** `name:tag` fully qualified, as containerd names images in io.containerd.image.name. */
export function qualifiedTag(ref: ImageReference): string {
  return `${ref.name}:${ref.tag ?? 'latest'}`;
}

function qualify(name: string): string {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  let domain = hasDomain ? first : 'docker.io';
  let path = hasDomain ? name.slice(slash + 1) : name;
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return `${domain}/${path}`;
}
