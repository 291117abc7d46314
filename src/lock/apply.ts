// Using a lock, pure: the reference each pin is fetched by (`name@sha256:...`, or the image ID of a local-only
// image), the pinned FROM mapping a build passes to the engine, and the stack with its images pinned.
import type { Stack } from '../spec/model.js';
import type { BuildPin, ImagePin, LockFile } from './model.js';

/** `repo:tag` (or `repo:tag@sha256:x`) → `repo@<pinned digest>`; a local-only image is named by its ID. */
export function pinnedRef(pin: ImagePin): string {
  if (pin.local === true) return pin.digest;
  return `${repositoryOf(pin.ref)}@${pin.digest}`;
}

/** The reference without its tag and digest. */
export function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(0, colon) : name;
}

/** FROM reference as written → the reference the build must use instead. */
export function pinnedFromOf(build: BuildPin): Record<string, string> {
  return Object.fromEntries(Object.entries(build.from).map(([ref, pin]) => [ref, pinnedRef(pin)]));
}

/**
 * The stack with each locked service image replaced by its pinned reference (what Compose's
 * `config --lock-image-digests` override does), so pulls and container creates use exactly the locked image.
 * Built services keep their image name: it is the tag the build writes.
 */
export function withLockedImages(stack: Stack, lock: LockFile): Stack {
  const services = { ...stack.services };
  for (const [name, service] of Object.entries(stack.services)) {
    const pin = lock.services[name]?.image;
    if (service.build !== undefined || pin === undefined || service.image !== pin.ref) continue;
    services[name] = { ...service, image: pinnedRef(pin) };
  }
  return { ...stack, services };
}

/** Compose's override file for `config --lock-image-digests`: each service's image by digest. */
export function lockOverride(lock: LockFile): { services: Record<string, { image: string }> } {
  const services: Record<string, { image: string }> = {};
  for (const name of Object.keys(lock.services).sort()) {
    const pin = lock.services[name]?.image;
    if (pin !== undefined && pin.local !== true) services[name] = { image: pinnedRef(pin) };
  }
  return { services };
}
