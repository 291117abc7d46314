// berth convert --to kubernetes: the stack as Kubernetes objects, and what does not translate, as data.
// Pure: files and the environment come in through ConvertInput (see types.ts for the contract).
import type { Service, Stack } from '../../spec/model.js';
import { serviceContainer } from './container.js';
import { waitContainers } from './depends-on.js';
import { serviceObjects } from './kube-services.js';
import { serviceMounts } from './mounts.js';
import { NAME, dnsLabel, projectLabels } from './names.js';
import type { PolicyService } from './network-policies.js';
import { networkLabel, networkPolicies } from './network-policies.js';
import type { ServicePorts } from './ports.js';
import { servicePorts } from './ports.js';
import { untranslatedServiceKeys } from './service-keys.js';
import { fileObjects, volumeClaims } from './storage.js';
import type { Conversion, ConvertInput, KubeObject, Untranslated } from './types.js';
import { workload } from './workload.js';

/** The named services and what they depend on, transitively; every service when none is named. */
export function selectServices(stack: Stack, names: readonly string[] = []): Service[] {
  const all = Object.keys(stack.services).sort();
  if (names.length === 0) return all.map((n) => stack.services[n] as Service);
  const chosen = new Set<string>();
  const visit = (n: string): void => {
    const s = stack.services[n];
    if (!s || chosen.has(n)) return;
    chosen.add(n);
    for (const dep of Object.keys(s.depends_on ?? {})) visit(dep);
  };
  names.forEach(visit);
  return all.filter((n) => chosen.has(n)).map((n) => stack.services[n] as Service);
}

export function convertToKubernetes(input: ConvertInput): Conversion {
  const { stack } = input;
  const labels = projectLabels(stack.name);
  const untranslated: Untranslated[] = [];
  const named = new Map<string, { service: Service; name: string; ports: ServicePorts }>();
  const taken = new Map<string, string>();
  for (const service of selectServices(stack, input.services)) {
    const name = dnsLabel(service.name);
    const other = taken.get(name);
    if (other !== undefined) {
      const reason = `not converted: its Kubernetes name "${name}" is already that of service "${other}"`;
      untranslated.push({ path: `services.${service.name}`, reason });
      continue;
    }
    taken.set(name, service.name);
    named.set(service.name, { service, name, ports: servicePorts(service) });
  }
  const workloads: KubeObject[] = [];
  const services: KubeObject[] = [];
  const policyServices: PolicyService[] = [];
  const volumeUsers = new Map<string, string[]>();
  const used = { secrets: new Set<string>(), configs: new Set<string>() };
  for (const { service, name, ports } of named.values()) {
    const selector = { ...labels, [NAME]: name };
    const parts = serviceContainer(service, stack.name, ports);
    const mounts = serviceMounts(stack, service);
    const networks = networksOf(service);
    const sharesNetwork = (dep: string): boolean => {
      const other = named.get(dep);
      return other !== undefined && networksOf(other.service).some((n) => networks.includes(n));
    };
    const waits = waitContainers(service, (dep) => named.get(dep)?.ports, sharesNetwork);
    const networkLabels = Object.fromEntries(networks.map((n) => [networkLabel(n), 'true']));
    const w = workload({
      service,
      name,
      parts,
      mounts,
      initContainers: waits.initContainers,
      labels,
      selector,
      networkLabels,
    });
    workloads.push(w.object);
    const dnsRoundRobin = (service.deploy as { endpoint_mode?: string } | undefined)?.endpoint_mode === 'dnsrr';
    services.push(...serviceObjects({ name, ports, labels, selector, dnsRoundRobin }));
    policyServices.push({ name, selector, networks, published: [...ports.published, ...ports.hostPorts] });
    for (const v of mounts.namedVolumes) volumeUsers.set(v, [...(volumeUsers.get(v) ?? []), service.name]);
    for (const kind of ['secrets', 'configs'] as const)
      for (const ref of service[kind] ?? []) used[kind].add(ref.source);
    untranslated.push(
      ...ports.untranslated,
      ...parts.untranslated,
      ...mounts.untranslated,
      ...waits.untranslated,
      ...w.untranslated,
      ...untranslatedServiceKeys(service),
    );
  }
  const claims = volumeClaims(stack, volumeUsers, labels);
  const configs = fileObjects(input, 'configs', [...used.configs].sort(), labels);
  const secrets = fileObjects(input, 'secrets', [...used.secrets].sort(), labels);
  untranslated.push(...claims.untranslated, ...configs.untranslated, ...secrets.untranslated);
  untranslated.push(...untranslatedNetworkKeys(stack, policyServices));
  if (stack.models !== undefined && Object.keys(stack.models).length > 0)
    untranslated.push({ path: 'models', reason: 'Compose models have no Kubernetes object' });
  const policies = named.size > 0 ? networkPolicies(stack, policyServices, labels) : [];
  return {
    objects: [...claims.objects, ...configs.objects, ...secrets.objects, ...services, ...workloads, ...policies],
    untranslated,
  };
}

/** The Compose networks of a service's pods; none with network_mode (no policy selects those pods). */
function networksOf(service: Service): string[] {
  return service.network_mode === undefined ? Object.keys(service.networks ?? {}) : [];
}

const NETWORK_REASONS: Record<string, string> = {
  driver: "the pod network is the cluster network plugin's",
  driver_opts: "the pod network is the cluster network plugin's",
  ipam: "pod addresses are the network plugin's",
  enable_ipv6: "IP families are the cluster's",
  enable_ipv4: "IP families are the cluster's",
  attachable: 'containers outside the stack cannot join it',
  labels: 'a NetworkPolicy per network is made; network labels are not carried over',
  external: 'its members outside the stack are not pods of the stack, and are not admitted by the policies',
};

function untranslatedNetworkKeys(stack: Stack, services: readonly PolicyService[]): Untranslated[] {
  const out: Untranslated[] = [];
  for (const network of [...new Set(services.flatMap((s) => s.networks))].sort()) {
    const def: Record<string, unknown> = stack.networks[network] ?? {};
    for (const key of Object.keys(def)) {
      if (key === 'name' || key === 'internal' || key.startsWith('x-')) continue;
      // Compose's default drivers connect containers as the pod network connects pods.
      if (key === 'driver' && (def.driver === 'bridge' || def.driver === 'overlay')) continue;
      out.push({ path: `networks.${network}.${key}`, reason: NETWORK_REASONS[key] ?? 'no Kubernetes equivalent' });
    }
  }
  return out;
}
