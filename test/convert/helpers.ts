// Builders for conversion tests: a stack from inline YAML (through the real loader, pure), converted with files
// from a Map and an environment of the test's own; lookups of objects by kind and name.
import { expect } from 'vitest';
import { convertToKubernetes } from '../../src/convert/kubernetes/convert.js';
import type { Conversion, KubeObject } from '../../src/convert/kubernetes/types.js';
import type { Stack } from '../../src/spec/model.js';
import { stackOfText } from '../spec/load/helpers.js';
import { kubernetesSchemaErrors } from './kubernetes-schema.js';

/**
 * A Kubernetes object or part of one, read by path in assertions. Its shape is checked by the schema, not by
 * TypeScript, so it is left untyped here, once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;

export interface ConvertOptions {
  /** Files the secrets and configs name, by absolute path (relative ones in the stack are under /p/). */
  files?: Record<string, string | Uint8Array>;
  env?: Record<string, string>;
  services?: string[];
}

export function convertStack(stack: Stack, opts: ConvertOptions = {}): Conversion {
  const files = new Map(
    Object.entries(opts.files ?? {}).map(([p, c]) => [p, typeof c === 'string' ? new TextEncoder().encode(c) : c]),
  );
  return convertToKubernetes({
    stack,
    services: opts.services,
    env: opts.env ?? {},
    readFile: (path) => files.get(path),
  });
}

/** Loads `yaml` as compose.yaml of project "p" and converts it; every object must pass the schema. */
export function convertText(yaml: string, opts: ConvertOptions = {}): Conversion {
  const result = convertStack(stackOfText(yaml, { projectName: 'p' }), opts);
  expect(schemaErrors(result)).toEqual([]);
  return result;
}

/** Schema errors of every object, each prefixed by the object's kind and name; [] when all are valid. */
export function schemaErrors(conversion: Conversion): string[] {
  return conversion.objects.flatMap((o) => kubernetesSchemaErrors(o).map((e) => `${o.kind}/${o.metadata.name}: ${e}`));
}

export function find(conversion: Conversion, kind: string, name: string): KubeObject {
  const found = conversion.objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} "${name}" in ${conversion.objects.map((o) => `${o.kind}/${o.metadata.name}`)}`);
  return found;
}

export function has(conversion: Conversion, kind: string, name: string): boolean {
  return conversion.objects.some((o) => o.kind === kind && o.metadata.name === name);
}

/** The pod spec of a Deployment or StatefulSet. */
export function podSpec(object: KubeObject): Doc {
  return (object.spec as Doc).template.spec;
}

/** The service's main container. */
export function mainContainer(object: KubeObject): Doc {
  return podSpec(object).containers[0];
}

/** The untranslated entries as "path: reason" lines, for toContain checks. */
export function untranslatedPaths(conversion: Conversion): string[] {
  return conversion.untranslated.map((u) => u.path);
}
