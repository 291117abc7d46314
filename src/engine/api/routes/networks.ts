// /networks/...: list, inspect, create, remove, connect, disconnect, prune. Translates HTTP to the network
// service and the containers' networking; no logic of its own.
import { EngineError } from '../../errors.js';
import { parseFilters } from '../../filters.js';
import type { ContainerNetworking } from '../../networks/container-networking.js';
import { networkJson } from '../../networks/network-json.js';
import { filterNetworks, prunableNetworks } from '../../networks/network-filters.js';
import { checkNetworkConnect, checkNetworkCreate, checkNetworkDisconnect } from '../request-validation.js';
import type { ApiRouter } from '../server.js';
import { sendJson } from '../server.js';

export function networkRoutes(router: ApiRouter, networking: ContainerNetworking): void {
  const { service } = networking;
  const inUse = (n: Parameters<ContainerNetworking['attachedTo']>[0]): boolean => networking.attachedTo(n).length > 0;

  router.on('GET', '/networks', (req, res) => {
    const filters = parseFilters(req.query.get('filters'));
    const list = filterNetworks(service.store.all(), filters, inUse);
    sendJson(
      res,
      200,
      list.map((n) => networkJson(n, [])),
    );
  });

  router.on('GET', '/networks/{id}', (req, res) => {
    const n = service.store.get(req.params.id as string);
    sendJson(res, 200, networkJson(n, networking.attachedTo(n)));
  });

  router.on('POST', '/networks/create', async (req, res) => {
    const n = await service.create(checkNetworkCreate(await req.json<unknown>()));
    sendJson(res, 201, { Id: n.id, Warning: '' });
  });

  router.on('DELETE', '/networks/{id}', async (req, res) => {
    await networking.removeNetwork(req.params.id as string);
    res.writeHead(204).end();
  });

  router.on('POST', '/networks/{id}/connect', async (req, res) => {
    const body = checkNetworkConnect(await req.json<unknown>());
    if (!body.Container) throw new EngineError('invalid', 'ENGINE_NO_CONTAINER', 'no container given to connect');
    await networking.connectNetwork(req.params.id as string, body.Container, body.EndpointConfig);
    res.writeHead(200).end();
  });

  router.on('POST', '/networks/{id}/disconnect', async (req, res) => {
    const body = checkNetworkDisconnect(await req.json<unknown>());
    if (!body.Container) throw new EngineError('invalid', 'ENGINE_NO_CONTAINER', 'no container given to disconnect');
    await networking.disconnectNetwork(req.params.id as string, body.Container);
    res.writeHead(200).end();
  });

  router.on('POST', '/networks/prune', async (req, res) => {
    const filters = parseFilters(req.query.get('filters'));
    const deleted: string[] = [];
    for (const n of prunableNetworks(service.store.all(), filters, inUse)) {
      await service.remove(n.id, (x) => networking.attachedTo(x).map((c) => c.name));
      deleted.push(n.name);
    }
    sendJson(res, 200, { NetworksDeleted: deleted });
  });
}
