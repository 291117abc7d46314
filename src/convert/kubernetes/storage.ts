// The objects behind mounts: a PersistentVolumeClaim per named volume, a ConfigMap per config, a Secret per
// secret. Compose volumes have no size, so claims request DEFAULT_SIZE from the default storage class. A volume
// mounted by several services is ReadWriteMany (their pods may land on different nodes), otherwise ReadWriteOnce.
// External volumes, configs and secrets are expected to exist in the namespace and are not emitted.
import type { SecretOrConfig, Stack } from '../../spec/model.js';
import { fileObject, claimName } from './mounts.js';
import type { ConvertInput, KubeObject, Untranslated } from './types.js';

export const DEFAULT_SIZE = '1Gi';

const VOLUME_REASONS: Record<string, string> = {
  driver: 'storage is chosen by the cluster (storageClassName)',
  driver_opts: 'storage is chosen by the cluster (storageClassName)',
  labels: 'volume labels are not carried over to the claim',
};

export function volumeClaims(
  stack: Stack,
  usedBy: ReadonlyMap<string, readonly string[]>,
  labels: Record<string, string>,
): { objects: KubeObject[]; untranslated: Untranslated[] } {
  const objects: KubeObject[] = [];
  const untranslated: Untranslated[] = [];
  for (const [key, services] of usedBy) {
    const v = stack.volumes[key];
    if (!v) continue;
    const at = `volumes.${key}`;
    if (v.external === true) {
      untranslated.push({
        path: `${at}.external`,
        reason: `not emitted: a PersistentVolumeClaim "${claimName(stack, key)}" must exist in the namespace`,
      });
      continue;
    }
    for (const k of Object.keys(v))
      // driver "local" is Compose's default, as the default storage class is the cluster's.
      if (k !== 'name' && !k.startsWith('x-') && !(k === 'driver' && v.driver === 'local'))
        untranslated.push({ path: `${at}.${k}`, reason: VOLUME_REASONS[k] ?? 'no PersistentVolumeClaim equivalent' });
    const accessModes = services.length > 1 ? ['ReadWriteMany'] : ['ReadWriteOnce'];
    objects.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claimName(stack, key), labels },
      spec: { accessModes, resources: { requests: { storage: DEFAULT_SIZE } } },
    });
  }
  return { objects, untranslated };
}

// The keys of a secret or config that the conversion reads.
const OWN_KEYS = new Set(['name', 'file', 'environment', 'content', 'external']);
const FILE_REASONS: Record<string, string> = {
  driver: 'a Swarm setting',
  driver_opts: 'a Swarm setting',
  template_driver: 'a Swarm setting',
  labels: 'not carried over to the object',
};

/** The content of a secret or config, or why there is none: from `content`, `environment` or `file`. */
function contentOf(def: SecretOrConfig, input: ConvertInput): Uint8Array | string {
  if (def.content !== undefined) return new TextEncoder().encode(def.content);
  if (def.environment !== undefined) {
    const value = input.env[def.environment];
    return value === undefined ? `the variable "${def.environment}" is not set` : new TextEncoder().encode(value);
  }
  if (def.file !== undefined) return input.readFile(def.file) ?? `the file "${def.file}" cannot be read`;
  return 'it has no file, environment or content';
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function fileObjects(
  input: ConvertInput,
  kind: 'secrets' | 'configs',
  used: readonly string[],
  labels: Record<string, string>,
): { objects: KubeObject[]; untranslated: Untranslated[] } {
  const objects: KubeObject[] = [];
  const untranslated: Untranslated[] = [];
  for (const key of used) {
    const def = input.stack[kind][key];
    if (!def) continue;
    const { name, key: dataKey } = fileObject(input.stack, kind, key);
    const object = kind === 'secrets' ? 'Secret' : 'ConfigMap';
    if (def.external === true) {
      untranslated.push({
        path: `${kind}.${key}.external`,
        reason: `not emitted: a ${object} "${name}" with the key "${dataKey}" must exist in the namespace`,
      });
      continue;
    }
    for (const k of Object.keys(def))
      if (!OWN_KEYS.has(k) && !k.startsWith('x-'))
        untranslated.push({ path: `${kind}.${key}.${k}`, reason: FILE_REASONS[k] ?? `no ${object} equivalent` });
    const content = contentOf(def, input);
    if (typeof content === 'string') {
      untranslated.push({
        path: `${kind}.${key}`,
        reason: `${content}: the ${object} "${name}" is not emitted; create it before the pods that mount it`,
      });
      continue;
    }
    const meta = { name, labels };
    if (kind === 'secrets') {
      const data = { [dataKey]: Buffer.from(content).toString('base64') };
      objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta, type: 'Opaque', data });
      continue;
    }
    const text = utf8(content);
    const data =
      text !== undefined
        ? { data: { [dataKey]: text } }
        : { binaryData: { [dataKey]: Buffer.from(content).toString('base64') } };
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, ...data });
  }
  return { objects, untranslated };
}
