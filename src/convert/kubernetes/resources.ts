// Compute resources: Compose's limits (deploy.resources.limits, or the older cpus and mem_limit) become limits, its
// reservations (deploy.resources.reservations, mem_reservation) requests. CPUs are a fraction of a core in both;
// memory is bytes after loading.
import type { Service } from '../../spec/model.js';
import type { Untranslated } from './types.js';

interface Amounts {
  cpus?: number | string;
  memory?: number;
  [key: string]: unknown;
}

function quantities(a: Amounts, at: string, untranslated: Untranslated[]): Record<string, string> {
  const out: Record<string, string> = {};
  const cpus = a.cpus === undefined ? undefined : Number(a.cpus);
  if (cpus !== undefined && cpus > 0) out.cpu = `${Math.max(1, Math.round(cpus * 1000))}m`;
  if (typeof a.memory === 'number' && a.memory > 0) out.memory = String(a.memory);
  for (const key of Object.keys(a))
    if (key !== 'cpus' && key !== 'memory')
      untranslated.push({ path: `${at}.${key}`, reason: REASONS[key] ?? 'no container resource of that name' });
  return out;
}

const REASONS: Record<string, string> = {
  pids: 'Kubernetes limits process ids per node (kubelet podPidsLimit), not per container',
  devices: 'devices are requested through a device plugin resource (e.g. nvidia.com/gpu) that the cluster names',
  generic_resources: 'a Swarm setting; use the extended resource names of the cluster',
};

export function resources(service: Service): { resources?: Record<string, unknown>; untranslated: Untranslated[] } {
  const at = `services.${service.name}`;
  const untranslated: Untranslated[] = [];
  const deploy = (service.deploy ?? {}) as { resources?: { limits?: Amounts; reservations?: Amounts } };
  const limits: Record<string, string> = {
    ...quantities({ cpus: service.cpus, memory: service.mem_limit }, at, untranslated),
    ...quantities(deploy.resources?.limits ?? {}, `${at}.deploy.resources.limits`, untranslated),
  };
  const requests: Record<string, string> = {
    ...quantities({ memory: service.mem_reservation }, at, untranslated),
    ...quantities(deploy.resources?.reservations ?? {}, `${at}.deploy.resources.reservations`, untranslated),
  };
  const out: Record<string, unknown> = {};
  if (Object.keys(limits).length > 0) out.limits = limits;
  if (Object.keys(requests).length > 0) out.requests = requests;
  return { ...(Object.keys(out).length > 0 ? { resources: out } : {}), untranslated };
}
