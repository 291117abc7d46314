// Volumes over the Docker Engine API: /volumes/... translated to EngineClient's `volumes` group.
import { isEngineError } from '../errors.js';
import type { EngineClient } from '../types.js';
import { toVolumeSummary } from './shapes.js';
import type { DockerTransport } from './transport.js';
import { filtersParam } from './transport.js';

type Json = Record<string, unknown>;

export function dockerVolumes(t: DockerTransport): EngineClient['volumes'] {
  return {
    async list(filter = {}) {
      const filters = filtersParam({ label: filter.labels, name: filter.names });
      const answer = await t.json<{ Volumes?: Json[] | null }>('GET', '/volumes', { query: { filters } });
      const list = (answer.Volumes ?? []).map(toVolumeSummary);
      return filter.names?.length ? list.filter((v) => filter.names?.includes(v.name)) : list;
    },
    async inspect(name) {
      try {
        return toVolumeSummary(await t.json<Json>('GET', `/volumes/${encodeURIComponent(name)}`));
      } catch (e) {
        if (isEngineError(e, 'not-found')) return undefined;
        throw e;
      }
    },
    create: async (req) =>
      toVolumeSummary(
        await t.json<Json>('POST', '/volumes/create', {
          body: { Name: req.name, Driver: req.driver, DriverOpts: req.driverOpts, Labels: req.labels },
        }),
      ),
    remove: (name, opts = {}) =>
      t.empty('DELETE', `/volumes/${encodeURIComponent(name)}`, { query: { force: opts.force ? 1 : undefined } }),
  };
}
