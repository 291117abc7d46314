// A service's pod volumes and the container's mounts: named volumes claim their PersistentVolumeClaim, anonymous
// volumes and tmpfs are emptyDir (tmpfs in memory), secrets and configs mount one key of their Secret or ConfigMap
// at Compose's target (subPath, so the rest of the folder stays the image's). Bind mounts of host paths are not
// translated: a pod may run on any node.
import type { FileReference, Service, Stack } from '../../spec/model.js';
import { dataKey, dnsLabel, dnsSubdomain } from './names.js';
import type { Untranslated } from './types.js';

export interface Mounts {
  volumes: Array<Record<string, unknown>>;
  volumeMounts: Array<Record<string, unknown>>;
  /** Keys of `volumes:` this service mounts (so the workload is a StatefulSet, and their claims are emitted). */
  namedVolumes: string[];
  untranslated: Untranslated[];
}

/** The claim of a Compose volume: its own for a volume of the stack, the external volume's name otherwise. */
export function claimName(stack: Stack, key: string): string {
  const v = stack.volumes[key];
  return dnsSubdomain(v?.external === true ? v.name : key);
}

/** The Secret or ConfigMap that a Compose secret or config becomes, and the key its content is under. */
export function fileObject(stack: Stack, kind: 'secrets' | 'configs', key: string): { name: string; key: string } {
  const def = stack[kind][key];
  return { name: dnsSubdomain(def?.external === true ? def.name : key), key: dataKey(key) };
}

export function serviceMounts(stack: Stack, service: Service): Mounts {
  const at = `services.${service.name}`;
  const out: Mounts = { volumes: [], volumeMounts: [], namedVolumes: [], untranslated: [] };
  const addVolume = (volume: Record<string, unknown>): void => {
    if (!out.volumes.some((v) => v.name === volume.name)) out.volumes.push(volume);
  };
  (service.volumes ?? []).forEach((m, i) => {
    const path = `${at}.volumes[${i}]`;
    const mount: Record<string, unknown> = { mountPath: m.target };
    if (m.read_only === true) mount.readOnly = true;
    if (m.type === 'volume' && m.source !== undefined) {
      const name = dnsLabel(`data-${m.source}`);
      addVolume({ name, persistentVolumeClaim: { claimName: claimName(stack, m.source) } });
      if (!out.namedVolumes.includes(m.source)) out.namedVolumes.push(m.source);
      if (m.volume?.subpath !== undefined) mount.subPath = m.volume.subpath;
      if (m.volume?.nocopy === true)
        out.untranslated.push({ path: `${path}.volume.nocopy`, reason: 'Kubernetes never copies image content' });
      out.volumeMounts.push({ name, ...mount });
    } else if (m.type === 'volume' || m.type === 'tmpfs') {
      const name = `${m.type === 'tmpfs' ? 'tmpfs' : 'anon'}-${i}`;
      const sizeLimit = m.tmpfs?.size !== undefined ? { sizeLimit: String(m.tmpfs.size) } : {};
      addVolume({ name, emptyDir: m.type === 'tmpfs' ? { medium: 'Memory', ...sizeLimit } : {} });
      if (m.tmpfs?.mode !== undefined)
        out.untranslated.push({ path: `${path}.tmpfs.mode`, reason: 'an emptyDir has no mode setting' });
      out.volumeMounts.push({ name, ...mount });
    } else {
      const why =
        m.type === 'bind'
          ? `a host path ("${m.source}") exists on one machine; a pod may run on any node (use a volume, a ConfigMap, or bake it into the image)`
          : `a "${m.type}" mount has no pod volume equivalent`;
      out.untranslated.push({ path, reason: why });
    }
  });
  (service.tmpfs ?? []).forEach((target, i) => {
    const name = `tmpfs-list-${i}`;
    addVolume({ name, emptyDir: { medium: 'Memory' } });
    out.volumeMounts.push({ name, mountPath: target.split(':')[0] });
  });
  mountFiles(stack, service, 'secrets', out);
  mountFiles(stack, service, 'configs', out);
  return out;
}

function mountFiles(stack: Stack, service: Service, kind: 'secrets' | 'configs', out: Mounts): void {
  (service[kind] as FileReference[] | undefined)?.forEach((ref, i) => {
    const path = `services.${service.name}.${kind}[${i}]`;
    const object = fileObject(stack, kind, ref.source);
    const target = fileTarget(kind, ref);
    const name = dnsLabel(`${kind === 'secrets' ? 'secret' : 'config'}-${i}-${ref.source}`);
    const item = { key: object.key, path: object.key, ...(ref.mode !== undefined ? { mode: ref.mode } : {}) };
    const source =
      kind === 'secrets'
        ? { secret: { secretName: object.name, items: [item] } }
        : { configMap: { name: object.name, items: [item] } };
    out.volumes.push({ name, ...source });
    out.volumeMounts.push({ name, mountPath: target, subPath: object.key, readOnly: true });
    for (const key of ['uid', 'gid'] as const)
      if (ref[key] !== undefined)
        out.untranslated.push({
          path: `${path}.${key}`,
          reason: 'a mounted key has no owner of its own; set the pod securityContext.fsGroup',
        });
  });
}

/** Compose's targets: secrets under /run/secrets/ unless absolute, configs at /<name> by default. */
function fileTarget(kind: 'secrets' | 'configs', ref: FileReference): string {
  const target = ref.target ?? ref.source;
  if (target.startsWith('/')) return target;
  return kind === 'secrets' ? `/run/secrets/${target}` : `/${target}`;
}
