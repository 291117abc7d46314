// The service's own container (image, command, environment, ports, probe, resources, security) and the pod-level
// fields that come from service keys (host name, host aliases, DNS, sysctls, grace period). Volumes and mounts
// are mounts.ts's; what is not translated is listed with its Compose path.
import type { Service } from '../../spec/model.js';
import { readinessProbe } from './probe.js';
import type { ServicePorts } from './ports.js';
import { resources } from './resources.js';
import type { Untranslated } from './types.js';

export interface ContainerParts {
  container: Record<string, unknown>;
  /** Fields of the pod spec: hostname, hostAliases, dnsConfig, securityContext, terminationGracePeriodSeconds. */
  pod: Record<string, unknown>;
  untranslated: Untranslated[];
}

const PULL_POLICY: Record<string, string> = {
  always: 'Always',
  never: 'Never',
  missing: 'IfNotPresent',
  if_not_present: 'IfNotPresent',
};

/**
 * Kubernetes expands "$(NAME)" in command, args and env values with the container's variables; Compose passes
 * them as written (its own interpolation is done by then). "$$(" is Kubernetes' escape for a literal "$(".
 */
export function literal(text: string): string {
  return text.replaceAll('$(', '$$$$(');
}

/** The container is named as its service (a DNS label), so `kubectl logs deploy/web -c web` reads as in Compose. */
export function serviceContainer(
  service: Service,
  opts: { project: string; name: string; ports: ServicePorts },
): ContainerParts {
  const { project, ports } = opts;
  const at = `services.${service.name}`;
  const untranslated: Untranslated[] = [];
  const c: Record<string, unknown> = { name: opts.name, image: service.image ?? `${project}-${service.name}` };
  if (service.build !== undefined)
    untranslated.push({
      path: `${at}.build`,
      reason: `a cluster does not build images: build and push "${String(c.image)}" to a registry the cluster pulls from`,
    });
  const pull = service.pull_policy as string | undefined;
  if (pull !== undefined && PULL_POLICY[pull]) c.imagePullPolicy = PULL_POLICY[pull];
  else if (pull !== undefined)
    untranslated.push({ path: `${at}.pull_policy`, reason: `"${pull}" has no imagePullPolicy equivalent` });
  // Compose's entrypoint replaces the image's ENTRYPOINT as Kubernetes' command does, and command its CMD as args.
  if (Array.isArray(service.entrypoint)) c.command = service.entrypoint.map(literal);
  if (Array.isArray(service.command)) c.args = service.command.map(literal);
  if (typeof service.working_dir === 'string') c.workingDir = service.working_dir;
  const env = Object.entries(service.environment ?? {}).flatMap(([name, value]) => {
    if (value !== null) return [{ name, value: literal(value) }];
    untranslated.push({
      path: `${at}.environment.${name}`,
      reason: 'named without a value, and the environment had none: the pod would not get it',
    });
    return [];
  });
  if (env.length > 0) c.env = env;
  const containerPorts = ports.internal.map((p) => {
    const host = ports.hostPorts.find((h) => h.target === p.port && h.protocol === p.protocol);
    return { containerPort: p.port, ...(host ? { hostPort: host.port } : {}), protocol: p.protocol };
  });
  if (containerPorts.length > 0) c.ports = containerPorts;
  const probe = readinessProbe(service.healthcheck, `${at}.healthcheck`);
  if (probe.probe) c.readinessProbe = probe.probe;
  untranslated.push(...probe.untranslated);
  const res = resources(service);
  if (res.resources) c.resources = res.resources;
  untranslated.push(...res.untranslated);
  const security = securityContext(service, untranslated);
  if (Object.keys(security).length > 0) c.securityContext = security;
  if (service.tty === true) c.tty = true;
  if (service.stdin_open === true) c.stdin = true;
  return { container: c, pod: podFields(service, untranslated), untranslated };
}

function securityContext(service: Service, untranslated: Untranslated[]): Record<string, unknown> {
  const at = `services.${service.name}`;
  const sc: Record<string, unknown> = {};
  if (service.privileged === true) sc.privileged = true;
  if (service.read_only === true) sc.readOnlyRootFilesystem = true;
  const caps = (key: 'cap_add' | 'cap_drop'): string[] =>
    ((service[key] as string[] | undefined) ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  const add = caps('cap_add');
  const drop = caps('cap_drop');
  if (add.length + drop.length > 0)
    sc.capabilities = { ...(add.length > 0 ? { add } : {}), ...(drop.length > 0 ? { drop } : {}) };
  if (typeof service.user === 'string') {
    const m = /^(\d+)(?::(\d+))?$/.exec(service.user);
    if (m) {
      sc.runAsUser = Number(m[1]);
      if (m[2] !== undefined) sc.runAsGroup = Number(m[2]);
    } else
      untranslated.push({
        path: `${at}.user`,
        reason: `"${service.user}" is a name; Kubernetes runs as numeric ids only (runAsUser), which the image alone knows`,
      });
  }
  return sc;
}

function podFields(service: Service, untranslated: Untranslated[]): Record<string, unknown> {
  const at = `services.${service.name}`;
  const pod: Record<string, unknown> = {};
  if (typeof service.hostname === 'string') {
    if (/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(service.hostname)) pod.hostname = service.hostname;
    else untranslated.push({ path: `${at}.hostname`, reason: 'a pod host name must be a lower-case DNS label' });
  }
  const aliases = new Map<string, string[]>();
  for (const [host, ips] of Object.entries(service.extra_hosts ?? {})) {
    for (const ip of ips) {
      if (ip === 'host-gateway') {
        untranslated.push({ path: `${at}.extra_hosts.${host}`, reason: 'a pod has no "host-gateway" address' });
        continue;
      }
      aliases.set(ip, [...(aliases.get(ip) ?? []), host]);
    }
  }
  if (aliases.size > 0) pod.hostAliases = [...aliases].map(([ip, hostnames]) => ({ ip, hostnames }));
  const dns: Record<string, unknown> = {};
  if (service.dns && service.dns.length > 0) {
    dns.nameservers = service.dns;
    untranslated.push({
      path: `${at}.dns`,
      reason:
        "the servers are added after the cluster's resolver (dnsPolicy ClusterFirst), not in its place, so Services still resolve",
    });
  }
  if (service.dns_search && service.dns_search.length > 0) dns.searches = service.dns_search;
  if (service.dns_opt && service.dns_opt.length > 0)
    dns.options = service.dns_opt.map((o) => {
      const [name, value] = o.split(':');
      return value === undefined ? { name } : { name, value };
    });
  if (Object.keys(dns).length > 0) pod.dnsConfig = dns;
  const sysctls = Object.entries(service.sysctls ?? {}).map(([name, value]) => ({ name, value: String(value) }));
  if (sysctls.length > 0) pod.securityContext = { sysctls };
  if (service.stop_grace_period !== undefined)
    pod.terminationGracePeriodSeconds = Math.ceil(service.stop_grace_period / 1000);
  if (service.network_mode === 'host') pod.hostNetwork = true;
  return pod;
}
