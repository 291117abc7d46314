// Validates objects against the Kubernetes API's own schema: the ajv validators that kubernetes-models 4.5.1
// generates from the OpenAPI document of Kubernetes 1.33 (pinned exactly in package.json, so the version is fixed).
// The OpenAPI document allows unknown fields (the API server prunes them; `kubectl apply` rejects them), so a
// misspelt field would pass it. We add that strictness here: every object is wrapped in a Proxy that records which
// properties the generated validator reads; an own property it never read is one the schema does not define.
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface AjvError {
  instancePath: string;
  message?: string;
  keyword?: string;
  params?: unknown;
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const require = createRequire(import.meta.url);
// The package's exports map leaves out _schemas/; an absolute path reaches the generated validator itself.
const schemas = join(require.resolve('kubernetes-models/package.json'), '..', '_schemas');

const SCHEMA_OF: Record<string, string> = {
  'apps/v1/Deployment': 'IoK8sApiAppsV1Deployment',
  'apps/v1/StatefulSet': 'IoK8sApiAppsV1StatefulSet',
  'v1/Service': 'IoK8sApiCoreV1Service',
  'v1/PersistentVolumeClaim': 'IoK8sApiCoreV1PersistentVolumeClaim',
  'v1/ConfigMap': 'IoK8sApiCoreV1ConfigMap',
  'v1/Secret': 'IoK8sApiCoreV1Secret',
  'networking.k8s.io/v1/NetworkPolicy': 'IoK8sApiNetworkingV1NetworkPolicy',
};

function validatorFor(apiVersion: unknown, kind: unknown): Validate | undefined {
  const name = SCHEMA_OF[`${String(apiVersion)}/${String(kind)}`];
  if (!name) return undefined;
  return (require(join(schemas, `${name}.js`)) as { validate: Validate }).validate;
}

/** Wraps `value` so that reads of its properties (at any depth) are recorded per object path. */
function watch(value: unknown, path: string, read: Map<string, Set<string>>, own: Map<string, string[]>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const seen = new Set<string>();
  read.set(path, seen);
  own.set(path, Array.isArray(value) ? [] : Object.keys(value));
  const target = value as Record<string, unknown>;
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key !== 'string') return Reflect.get(t, key, receiver);
      seen.add(key);
      return watch(t[key], `${path}/${key}`, read, own);
    },
  });
}

/** Every schema error and every unknown field of one object, as "path: message" lines; [] when it is valid. */
export function kubernetesSchemaErrors(object: Record<string, unknown>): string[] {
  const validate = validatorFor(object.apiVersion, object.kind);
  if (!validate) return [`no schema for ${String(object.apiVersion)} ${String(object.kind)}`];
  const read = new Map<string, Set<string>>();
  const own = new Map<string, string[]>();
  const ok = validate(watch(object, '', read, own));
  const errors = ok
    ? []
    : (validate.errors ?? []).map(
        (e) => `${e.instancePath || '/'}: ${e.message ?? `${e.keyword ?? 'invalid'} ${JSON.stringify(e.params)}`}`,
      );
  for (const [path, keys] of own) {
    const seen = read.get(path) ?? new Set();
    for (const k of keys) if (!seen.has(k)) errors.push(`${path}/${k}: not a field of the schema`);
  }
  return errors;
}
