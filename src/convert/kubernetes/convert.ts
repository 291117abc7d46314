// berth convert --to kubernetes: the stack as Kubernetes objects, and what does not translate, as data.
// Pure: files and the environment come in through ConvertInput (see types.ts for the contract).
import type { Service, Stack } from '../../spec/model.js';
import type { NamedService } from './convert-service.js';
import { convertService } from './convert-service.js';
import { publishedName } from './kube-services.js';
import { dnsLabel, projectLabels } from './names.js';
import type { PolicyService } from './network-policies.js';
import { networkPolicies } from './network-policies.js';
import { servicePorts } from './ports.js';
import { fileObjects, volumeClaims } from './storage.js';
import type { Conversion, ConvertInput, Untranslated } from './types.js';

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

/**
 * The services' Kubernetes names: DNS labels, unique among the Services the conversion makes (a service's own and
 * its "-published" one). A service whose name is taken is not converted, and says so.
 */
function nameServices(
  stack: Stack,
  names: readonly string[] | undefined,
): {
  named: Map<string, NamedService>;
  untranslated: Untranslated[];
} {
  const named = new Map<string, NamedService>();
  const untranslated: Untranslated[] = [];
  const taken = new Map<string, string>();
  for (const service of selectServices(stack, names)) {
    const name = dnsLabel(service.name);
    const ports = servicePorts(service);
    const own = ports.published.length > 0 ? [name, publishedName(name)] : [name];
    const other = own.map((n) => taken.get(n)).find((o) => o !== undefined);
    if (other !== undefined) {
      const reason = `not converted: its Kubernetes name "${name}" clashes with a Service of service "${other}"`;
      untranslated.push({ path: `services.${service.name}`, reason });
      continue;
    }
    for (const n of own) taken.set(n, service.name);
    named.set(service.name, { service, name, ports });
  }
  return { named, untranslated };
}

export function convertToKubernetes(input: ConvertInput): Conversion {
  const { stack } = input;
  const labels = projectLabels(stack.name);
  const { named, untranslated } = nameServices(stack, input.services);
  const converted = [...named.values()].map((entry) => convertService(stack, entry, { labels, named }));
  const volumeUsers = new Map<string, string[]>();
  const used = { secrets: new Set<string>(), configs: new Set<string>() };
  for (const [i, { service }] of [...named.values()].entries()) {
    for (const v of converted[i]?.mounts.namedVolumes ?? [])
      volumeUsers.set(v, [...(volumeUsers.get(v) ?? []), service.name]);
    for (const kind of ['secrets', 'configs'] as const)
      for (const ref of service[kind] ?? []) used[kind].add(ref.source);
  }
  const policyServices = converted.map((c) => c.policy);
  const claims = volumeClaims(stack, volumeUsers, labels);
  const configs = fileObjects(input, 'configs', [...used.configs].sort(), labels);
  const secrets = fileObjects(input, 'secrets', [...used.secrets].sort(), labels);
  untranslated.push(
    ...converted.flatMap((c) => c.untranslated),
    ...claims.untranslated,
    ...configs.untranslated,
    ...secrets.untranslated,
    ...untranslatedNetworkKeys(stack, policyServices),
  );
  if (stack.models !== undefined && Object.keys(stack.models).length > 0)
    untranslated.push({ path: 'models', reason: 'Compose models have no Kubernetes object' });
  const policies = named.size > 0 ? networkPolicies(stack, policyServices, labels) : [];
  return {
    objects: [
      ...claims.objects,
      ...configs.objects,
      ...secrets.objects,
      ...converted.flatMap((c) => c.services),
      ...converted.map((c) => c.workload),
      ...policies,
    ],
    untranslated,
  };
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
