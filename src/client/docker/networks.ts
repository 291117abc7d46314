// Networks over the Docker Engine API: /networks/... translated to EngineClient's `networks` group.
import { isEngineError } from '../errors.js';
import type { EngineClient } from '../types.js';
import { toNetworkSummary } from './shapes.js';
import type { DockerTransport } from './transport.js';
import { filtersParam } from './transport.js';

type Json = Record<string, unknown>;

export function dockerNetworks(t: DockerTransport): EngineClient['networks'] {
  return {
    async list(filter = {}) {
      const filters = filtersParam({ label: filter.labels, name: filter.names });
      const list = (await t.json<Json[]>('GET', '/networks', { query: { filters } })).map(toNetworkSummary);
      // Docker's `name` filter matches a part of the name; ours are exact.
      return filter.names?.length ? list.filter((n) => filter.names?.includes(n.name)) : list;
    },
    async inspect(ref) {
      try {
        return toNetworkSummary(await t.json<Json>('GET', `/networks/${encodeURIComponent(ref)}`));
      } catch (e) {
        if (isEngineError(e, 'not-found')) return undefined;
        throw e;
      }
    },
    async create(req) {
      const ipam = req.ipam && {
        Driver: req.ipam.driver ?? 'default',
        Config: (req.ipam.config ?? []).map((c) => ({
          Subnet: c.subnet,
          IPRange: c.ipRange,
          Gateway: c.gateway,
          AuxiliaryAddresses: c.auxAddresses,
        })),
        Options: req.ipam.options,
      };
      const created = await t.json<{ Id: string }>('POST', '/networks/create', {
        body: {
          Name: req.name,
          Driver: req.driver,
          Options: req.driverOpts,
          Internal: req.internal,
          Attachable: req.attachable,
          EnableIPv6: req.enableIPv6,
          IPAM: ipam,
          Labels: req.labels,
          // dockerd before API 1.44 creates a second network of the same name unless asked not to.
          CheckDuplicate: true,
        },
      });
      return { id: created.Id };
    },
    remove: (ref) => t.empty('DELETE', `/networks/${encodeURIComponent(ref)}`),
  };
}
