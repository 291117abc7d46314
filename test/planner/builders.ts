// Builders for planner tests: containers as `up` would have made them, observed state as data. No engine.
import { serviceConfigHash, serviceKeyHashes } from '../../src/spec/config-hash.js';
import type { Stack } from '../../src/spec/model.js';
import { LABEL } from '../../src/planner/labels.js';
import type { Observed, ObservedContainer } from '../../src/planner/observed.js';

export const IMAGE = 'sha256:aaaa';

/** A container as `up` would have made it for `service` of `stack`, running, with id `<service><n>000...`. */
export function running(
  stack: Stack,
  service: string,
  number = 1,
  over: Partial<ObservedContainer> = {},
): ObservedContainer {
  const s = stack.services[service]!;
  return {
    id: `${service}${number}`.padEnd(64, '0'),
    name: `${stack.name}-${service}-${number}`,
    service,
    number,
    oneoff: false,
    configHash: serviceConfigHash(s),
    imageId: IMAGE,
    state: 'running',
    labels: {
      [LABEL.project]: stack.name,
      [LABEL.service]: service,
      [LABEL.keyHashes]: JSON.stringify(serviceKeyHashes(s)),
    },
    ...over,
  };
}

/** What the engine has of `stack` after an up: one running container per named service, its networks and volumes. */
export function observedOf(stack: Stack, services: readonly string[] = Object.keys(stack.services)): Observed {
  return {
    containers: services.map((s) => running(stack, s)),
    networks: Object.entries(stack.networks)
      .filter(([, n]) => !n.external)
      .map(([key, n]) => ({
        id: `net-${key}`,
        name: n.name,
        labels: { [LABEL.project]: stack.name, [LABEL.network]: key },
      })),
    volumes: Object.entries(stack.volumes)
      .filter(([, v]) => !v.external)
      .map(([key, v]) => ({ name: v.name, labels: { [LABEL.project]: stack.name, [LABEL.volume]: key } })),
  };
}

export const NOTHING: Observed = { containers: [], networks: [], volumes: [] };

/** Every service's image resolved to IMAGE. */
export function imagesOf(stack: Stack): Record<string, string> {
  return Object.fromEntries(Object.keys(stack.services).map((s) => [s, IMAGE]));
}
