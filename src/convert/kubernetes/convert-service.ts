// One Compose service to its workload, its Services and what its NetworkPolicies need to know.
import type { Service, Stack } from '../../spec/model.js';
import { serviceContainer } from './container.js';
import { waitContainers } from './depends-on.js';
import { serviceObjects } from './kube-services.js';
import type { Mounts } from './mounts.js';
import { serviceMounts } from './mounts.js';
import { NAME } from './names.js';
import type { PolicyService } from './network-policies.js';
import { networkLabel } from './network-policies.js';
import type { ServicePorts } from './ports.js';
import { untranslatedServiceKeys } from './service-keys.js';
import type { KubeObject, Untranslated } from './types.js';
import { workload } from './workload.js';

/** A service chosen for conversion, with its Kubernetes name (a DNS label, unique in the conversion). */
export interface NamedService {
  service: Service;
  name: string;
  ports: ServicePorts;
}

export interface ConvertedService {
  workload: KubeObject;
  services: KubeObject[];
  policy: PolicyService;
  mounts: Mounts;
  untranslated: Untranslated[];
}

/** The Compose networks of a service's pods; none with network_mode (no policy selects those pods). */
export function networksOf(service: Service): string[] {
  return service.network_mode === undefined ? Object.keys(service.networks ?? {}) : [];
}

export function convertService(
  stack: Stack,
  entry: NamedService,
  context: { labels: Record<string, string>; named: ReadonlyMap<string, NamedService> },
): ConvertedService {
  const { service, name, ports } = entry;
  const { labels, named } = context;
  const selector = { ...labels, [NAME]: name };
  const parts = serviceContainer(service, { project: stack.name, name, ports });
  const mounts = serviceMounts(stack, service);
  const networks = networksOf(service);
  const sharesNetwork = (dep: string): boolean => {
    const other = named.get(dep);
    return other !== undefined && networksOf(other.service).some((n) => networks.includes(n));
  };
  const waits = waitContainers(service, (dep) => named.get(dep)?.ports, sharesNetwork);
  const networkLabels = Object.fromEntries(networks.map((n) => [networkLabel(n), 'true']));
  const initContainers = waits.initContainers;
  const w = workload({ service, name, parts, mounts, initContainers, labels, selector, networkLabels });
  const dnsRoundRobin = (service.deploy as { endpoint_mode?: string } | undefined)?.endpoint_mode === 'dnsrr';
  return {
    workload: w.object,
    services: serviceObjects({ name, ports, labels, selector, dnsRoundRobin }),
    policy: { name, selector, networks, published: [...ports.published, ...ports.hostPorts] },
    mounts,
    untranslated: [
      ...ports.untranslated,
      ...parts.untranslated,
      ...mounts.untranslated,
      ...waits.untranslated,
      ...w.untranslated,
      ...untranslatedServiceKeys(service),
    ],
  };
}
