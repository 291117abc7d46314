// /volumes: create, list, inspect, remove, prune. Translate HTTP to the volume service and back; no logic.
import { parseFilters } from '../../filters.js';
import type { VolumeService } from '../../volumes/volume-service.js';
import { checkVolumeCreate } from '../request-validation.js';
import type { ApiRouter } from '../server.js';
import { sendJson } from '../server.js';

const truthy = (v: string | null): boolean => v === '1' || v === 'true' || v === 'True';

export function volumeRoutes(router: ApiRouter, volumes: VolumeService): void {
  router.on('POST', '/volumes/create', async (req, res) => {
    const v = await volumes.create(checkVolumeCreate(await req.json<unknown>()));
    sendJson(res, 201, volumes.json(v));
  });

  router.on('GET', '/volumes', (req, res) => {
    const list = volumes.list(parseFilters(req.query.get('filters')));
    sendJson(res, 200, { Volumes: list.map((v) => volumes.json(v)), Warnings: [] });
  });

  router.on('POST', '/volumes/prune', async (req, res) => {
    sendJson(res, 200, await volumes.prune(parseFilters(req.query.get('filters'))));
  });

  router.on('GET', '/volumes/{name}', (req, res) => {
    sendJson(res, 200, volumes.json(volumes.store.get(req.params.name as string)));
  });

  router.on('DELETE', '/volumes/{name}', async (req, res) => {
    await volumes.remove(req.params.name as string, { force: truthy(req.query.get('force')) });
    res.writeHead(204).end();
  });
}
