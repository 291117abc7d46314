// The keys of a service that the create request leaves out (containerCreateRequest's `unsupported`), as warnings
// `up` and `plan` print before they act, one per service, so nothing a stack file says is dropped silently.
import { serviceConfigHash } from '../spec/config-hash.js';
import type { Stack } from '../spec/model.js';
import { containerCreateRequest } from './container-spec.js';

/**
 * One warning per service of `services` whose create request cannot carry every key it sets, in the order of
 * `services`: `service "web": healthcheck.start_interval is not supported and will be ignored`. What is unsupported
 * depends on the service alone, not on the replica, the engine's names or other services' containers, so those
 * are stand-ins here.
 */
export function serviceSpecWarnings(stack: Stack, services: readonly string[]): string[] {
  const networkNames = Object.fromEntries(Object.entries(stack.networks).map(([k, n]) => [k, n.name]));
  const volumeNames = Object.fromEntries(Object.entries(stack.volumes).map(([k, v]) => [k, v.name]));
  const out: string[] = [];
  for (const name of services) {
    const service = stack.services[name];
    if (!service) continue;
    const { unsupported } = containerCreateRequest({
      stack,
      service,
      number: 1,
      name: `${stack.name}-${name}-1`,
      image: service.image ?? `${stack.name}-${name}`,
      configHash: serviceConfigHash(service),
      workingDir: '.',
      configFiles: [],
      networkNames,
      volumeNames,
      serviceContainer: (s) => s,
    });
    if (unsupported.length === 0) continue;
    const verb = unsupported.length === 1 ? 'is' : 'are';
    out.push(`service "${name}": ${unsupported.join(', ')} ${verb} not supported and will be ignored`);
  }
  return out;
}
