// The create requests of a stack's networks and volumes, with Compose's labels (pkg/compose/create.go), so that a
// network or volume berth makes is one `docker compose` recognizes as the project's, and the other way round.
import { BerthError } from '../errors.js';
import type { NetworkCreate, VolumeCreate } from '../client/types.js';
import type { Stack } from '../spec/model.js';
import { DEFAULT_COMPOSE_VERSION } from './container-spec.js';
import { LABEL } from './labels.js';

/** The request that creates network `key` of the stack; throws PLAN_UNKNOWN_NETWORK for a key not in it. */
export function networkRequest(stack: Stack, key: string): NetworkCreate {
  const net = stack.networks[key];
  if (!net) throw new BerthError('PLAN_UNKNOWN_NETWORK', `network "${key}" is not in the stack`);
  const ipam = net.ipam;
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const request: NetworkCreate = {
    name: net.name,
    driver: net.driver ?? 'bridge',
    driverOpts: net.driver_opts ?? {},
    internal: net.internal === true,
    attachable: net.attachable === true,
    enableIPv6: net.enable_ipv6 === true,
    labels: {
      ...(net.labels ?? {}),
      [LABEL.project]: stack.name,
      [LABEL.network]: key,
      [LABEL.version]: DEFAULT_COMPOSE_VERSION,
    },
  };
  if (ipam) {
    request.ipam = {
      driver: ipam.driver ?? 'default',
      options: ipam.options ?? {},
      config: (ipam.config ?? []).map((c) => ({
        subnet: text(c.subnet),
        gateway: text(c.gateway),
        ipRange: text(c.ip_range),
        auxAddresses: c.aux_addresses as Record<string, string> | undefined,
      })),
    };
  }
  return request;
}

/** The request that creates volume `key` of the stack; throws PLAN_UNKNOWN_VOLUME for a key not in it. */
export function volumeRequest(stack: Stack, key: string): VolumeCreate {
  const vol = stack.volumes[key];
  if (!vol) throw new BerthError('PLAN_UNKNOWN_VOLUME', `volume "${key}" is not in the stack`);
  return {
    name: vol.name,
    driver: vol.driver ?? 'local',
    driverOpts: vol.driver_opts ?? {},
    labels: {
      ...(vol.labels ?? {}),
      [LABEL.project]: stack.name,
      [LABEL.volume]: key,
      [LABEL.version]: DEFAULT_COMPOSE_VERSION,
    },
  };
}
