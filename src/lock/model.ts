// The lock file's model: what `berth lock` pins of a stack, and what the same facts are now. Both have one shape
// (a `LockFile`), so drift is a comparison of two values of it (drift.ts) and the text is one stable form (text.ts).

export const LOCK_VERSION = 1;
export const LOCK_FILE_NAME = 'berth.lock';

/**
 * An image a reference resolved to. `digest` is the registry's manifest (or index) digest, with the platform the
 * engine runs; for an image no registry has (built or loaded locally) it is the image ID and `local` is true.
 */
export interface ImagePin {
  ref: string;
  digest: string;
  platform?: string;
  local?: boolean;
}

/** A base image made from a distribution mirror (berth image bootstrap): its suite, packages and their versions. */
export interface BootstrapInputs {
  key: string;
  suite: string;
  include: string;
  packages: string;
}

/** What a service's build reads: its context after .dockerignore, its Dockerfile, its args, its bases. */
export interface BuildPin {
  /** The context folder as the stack names it, relative to the project folder. */
  context: string;
  /** sha256 over the sorted (path, file digest) list. */
  contextDigest: string;
  /** Each file's sha256 (symlinks: of their target text; folders are not listed), by `/`-separated path. */
  files: Record<string, string>;
  /** sha256 of the Dockerfile's text (or of dockerfile_inline). */
  dockerfile: string;
  args: Record<string, string>;
  /** Every FROM of every stage, by the reference as written after ARG expansion. */
  from: Record<string, ImagePin>;
  /** Bases made from a Debian mirror, by reference: their inputs as the image's labels record them. */
  bootstrap?: Record<string, BootstrapInputs>;
}

export interface ServicePin {
  image?: ImagePin;
  build?: BuildPin;
}

export interface LockFile {
  version: typeof LOCK_VERSION;
  /** The time every built layer entry, image and history carries (SOURCE_DATE_EPOCH). */
  sourceDateEpoch: number;
  services: Record<string, ServicePin>;
}

/** One difference between the lock and now, worded for a person; `service` is undefined for the whole lock. */
export interface Drift {
  service?: string;
  kind: 'service' | 'image' | 'from' | 'context' | 'dockerfile' | 'args' | 'bootstrap';
  message: string;
}
