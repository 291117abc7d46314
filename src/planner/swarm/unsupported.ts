// Keys of a service that a swarm cannot honour. Each is warned about once, by name, with the services that set
// it (as `docker stack deploy` says "Ignoring unsupported options: build, links"), instead of once per service.
import { compareText } from '../../compare-text.js';
import type { Diagnostic } from '../../errors.js';
import type { Service } from '../../spec/model.js';

const IGNORED: Record<string, string> = {
  build: 'a swarm runs images, it does not build them; build and push first, and set image:',
  depends_on: 'a swarm starts services in no order; make services wait for what they need',
  container_name: 'a swarm names each task itself',
  links: 'use networks: services find each other by name on a shared network',
  external_links: 'use external networks',
  network_mode: 'a swarm service joins overlay networks',
  pid: 'not supported by swarm services',
  ipc: 'not supported by swarm services',
  privileged: 'not supported by swarm services',
  security_opt: 'not supported by swarm services',
  devices: 'not supported by swarm services',
  cgroup_parent: 'not supported by swarm services',
  cgroup: 'not supported by swarm services',
  userns_mode: 'not supported by swarm services',
  mac_address: 'not supported by swarm services',
  domainname: 'not supported by swarm services',
  shm_size: 'not supported by swarm services; mount a tmpfs at /dev/shm',
  tmpfs: 'use a volume of type tmpfs',
  volumes_from: 'not supported by swarm services',
  mem_limit: 'use deploy.resources.limits.memory',
  mem_reservation: 'use deploy.resources.reservations.memory',
  memswap_limit: 'not supported by swarm services',
  cpus: 'use deploy.resources.limits.cpus',
  cpu_shares: 'not supported by swarm services',
  cpu_quota: 'use deploy.resources.limits.cpus',
  cpuset: 'not supported by swarm services',
  pull_policy: 'a swarm pulls on each node as it schedules a task',
  expose: 'every port is reachable on the overlay network anyway',
};

/** One warning per ignored key, naming the services that set it, sorted by key. */
export function unsupportedKeyWarnings(services: readonly Service[]): Diagnostic[] {
  const users = new Map<string, string[]>();
  for (const s of services) {
    for (const key of Object.keys(s)) {
      if (IGNORED[key] === undefined) continue;
      users.set(key, [...(users.get(key) ?? []), s.name]);
    }
  }
  return [...users.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([key, names]) => ({
      code: 'PLAN_SWARM_IGNORED',
      severity: 'warning' as const,
      message: `"${key}" is ignored by a swarm (service${names.length > 1 ? 's' : ''} ${names
        .sort(compareText)
        .map((n) => `"${n}"`)
        .join(', ')})`,
      hint: IGNORED[key],
    }));
}
