// Start order from depends_on, as init containers: a pod does not start its container until each dependency's
// Service answers. A ClusterIP Service accepts a connection only once a pod behind it is Ready (its readiness
// probe, from the healthcheck, passed); a headless one resolves only to Ready pods. So both `service_started`
// and `service_healthy` wait for Ready, which for a dependency without a healthcheck is "started".
import type { Service } from '../../spec/model.js';
import type { ServicePorts } from './ports.js';
import { dnsLabel } from './names.js';
import type { Untranslated } from './types.js';

/** The image the wait runs in: busybox has `nc` and `nslookup`; pin it by digest in your registry if you mirror. */
export const WAIT_IMAGE = 'busybox:1.36';

export function waitContainers(
  service: Service,
  portsOf: (service: string) => ServicePorts | undefined,
  sharesNetwork: (dependency: string) => boolean,
): { initContainers: Array<Record<string, unknown>>; untranslated: Untranslated[] } {
  const initContainers: Array<Record<string, unknown>> = [];
  const untranslated: Untranslated[] = [];
  for (const [dep, d] of Object.entries(service.depends_on ?? {})) {
    const path = `services.${service.name}.depends_on.${dep}`;
    if (d.restart === true)
      untranslated.push({ path: `${path}.restart`, reason: 'Kubernetes does not restart dependents of a pod' });
    if (d.condition === 'service_completed_successfully') {
      untranslated.push({
        path: `${path}.condition`,
        reason: 'not expressed: a pod cannot wait for another workload to complete; run it as a Job first',
      });
      continue;
    }
    const ports = portsOf(dep);
    if (!ports) {
      untranslated.push({ path, reason: `not expressed: "${dep}" is not converted` });
      continue;
    }
    if (!d.required) {
      untranslated.push({
        path: `${path}.required`,
        reason: 'not expressed: an optional dependency is not waited for',
      });
      continue;
    }
    const host = dnsLabel(dep);
    const tcp = ports.internal.find((p) => p.protocol === 'TCP');
    let check: string;
    // A connection passes the NetworkPolicies only between pods of a common network; a lookup always does.
    if (tcp && !sharesNetwork(dep)) {
      untranslated.push({
        path,
        reason: `not expressed: "${dep}" shares no network with "${service.name}", so its pods cannot reach it to wait`,
      });
      continue;
    }
    if (tcp) check = `nc -z -w 2 ${host} ${tcp.port}`;
    else if (ports.internal.length === 0) check = `nslookup ${host}`;
    else {
      untranslated.push({ path, reason: `not expressed: "${dep}" has no TCP port to wait on` });
      continue;
    }
    initContainers.push({
      name: dnsLabel(`wait-${dep}`),
      image: WAIT_IMAGE,
      command: ['sh', '-c', `until ${check} >/dev/null 2>&1; do echo waiting for ${host}; sleep 2; done`],
    });
  }
  return { initContainers, untranslated };
}
