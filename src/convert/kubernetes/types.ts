// The data that goes into and comes out of the Kubernetes conversion. The conversion is pure: files and the
// environment come in through ConvertInput; objects and what could not be translated come back as data.
import type { Stack } from '../../spec/model.js';

/** One Kubernetes object as it will be printed: apiVersion, kind and metadata.name are always set. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

export interface KubeMetadata {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * A key of the stack that has no Kubernetes equivalent, or only a partial one. `path` is the Compose path of the
 * key (services.web.ports[1].host_ip), never empty; `reason` says why and what was done instead, if anything.
 */
export interface Untranslated {
  path: string;
  reason: string;
}

export interface ConvertInput {
  stack: Stack;
  /** Services to convert, with what they depend on; empty or absent means every service of the stack. */
  services?: readonly string[];
  /** Reads a secret's or config's `file` (an absolute path); undefined when it cannot be read. */
  readFile: (path: string) => Uint8Array | undefined;
  /** The environment, for secrets and configs whose source is `environment: VAR`. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The result: objects in apply order (storage, config and secrets first, then workloads, Services and
 * NetworkPolicies), and every untranslated key in stack order. An object is only emitted whole: a key that
 * cannot be translated is left out of it and listed, never half-written.
 */
export interface Conversion {
  objects: KubeObject[];
  untranslated: Untranslated[];
}
