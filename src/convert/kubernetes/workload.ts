// The workload of one Compose service: a Deployment, or a StatefulSet when it mounts a named volume. The claims
// are standalone PersistentVolumeClaims rather than volumeClaimTemplates, because a Compose volume is one body of
// data shared by every replica and every service that mounts it, and a template would give each replica an empty
// volume of its own. A StatefulSet still suits such a service: it stops the old pod before starting the new one
// on update, where a Deployment's rolling update would start a second pod on a ReadWriteOnce claim held by the first.
import type { Service } from '../../spec/model.js';
import type { ContainerParts } from './container.js';
import type { Mounts } from './mounts.js';
import { isLabelValue, isQualifiedName } from './names.js';
import type { KubeObject, Untranslated } from './types.js';

export interface WorkloadInput {
  service: Service;
  /** The Kubernetes name (a DNS label) of the service. */
  name: string;
  parts: ContainerParts;
  mounts: Mounts;
  initContainers: Array<Record<string, unknown>>;
  /** Labels of every object of the project, the pod selector, and the pod's network membership labels. */
  labels: Record<string, string>;
  selector: Record<string, string>;
  networkLabels: Record<string, string>;
}

export function workload(input: WorkloadInput): { object: KubeObject; untranslated: Untranslated[] } {
  const { service, name, parts, mounts } = input;
  const at = `services.${service.name}`;
  const untranslated: Untranslated[] = [];
  const podMeta = split(service.labels, `${at}.labels`, untranslated);
  const podAnnotations = split(service.annotations, `${at}.annotations`, untranslated, true);
  const deploy = (service.deploy ?? {}) as { replicas?: number; labels?: Record<string, string> };
  const ownMeta = split(deploy.labels, `${at}.deploy.labels`, untranslated);
  const container = {
    ...parts.container,
    ...(mounts.volumeMounts.length > 0 ? { volumeMounts: mounts.volumeMounts } : {}),
  };
  const spec = {
    ...(input.initContainers.length > 0 ? { initContainers: input.initContainers } : {}),
    containers: [container],
    ...(mounts.volumes.length > 0 ? { volumes: mounts.volumes } : {}),
    ...parts.pod,
  };
  const template = {
    metadata: {
      labels: { ...podMeta.labels, ...input.networkLabels, ...input.selector },
      ...nonEmpty({ ...podMeta.annotations, ...podAnnotations.annotations, ...podAnnotations.labels }),
    },
    spec,
  };
  const replicas = deploy.replicas ?? (typeof service.scale === 'number' ? service.scale : 1);
  const stateful = mounts.namedVolumes.length > 0;
  if (stateful && replicas > 1)
    untranslated.push({
      path: deploy.replicas !== undefined ? `${at}.deploy.replicas` : `${at}.scale`,
      reason: `the ${replicas} replicas share one claim, as Compose's share one volume: a ReadWriteOnce claim holds them on one node`,
    });
  const object: KubeObject = {
    apiVersion: 'apps/v1',
    kind: stateful ? 'StatefulSet' : 'Deployment',
    metadata: {
      name,
      labels: { ...ownMeta.labels, ...input.labels, ...input.selector },
      ...nonEmpty(ownMeta.annotations),
    },
    spec: {
      replicas,
      ...(stateful ? { serviceName: name } : {}),
      selector: { matchLabels: input.selector },
      template,
    },
  };
  return { object, untranslated };
}

function nonEmpty(annotations: Record<string, string>): { annotations?: Record<string, string> } {
  return Object.keys(annotations).length > 0 ? { annotations } : {};
}

/**
 * Compose labels as Kubernetes labels where key and value are valid label syntax, as annotations where only the
 * key is (annotation values are free text), and listed when the key is not a qualified name either.
 */
function split(
  map: Record<string, string> | undefined,
  at: string,
  untranslated: Untranslated[],
  allAnnotations = false,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    if (!isQualifiedName(key)) {
      untranslated.push({ path: `${at}.${key}`, reason: 'not a Kubernetes label or annotation key' });
      continue;
    }
    if (!allAnnotations && isLabelValue(value)) labels[key] = value;
    else annotations[key] = value;
  }
  return { labels, annotations };
}
