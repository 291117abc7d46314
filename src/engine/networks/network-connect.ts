// POST /networks/{id}/connect and /disconnect on a container: the change is recorded for the container's next
// start, and made on its namespace now if it runs. ContainerNetworking calls these once the container's last leave
// has ended and sends the events.
import type { ContainerRecord, ContainerStore } from '../containers/container-store.js';
import { EngineError } from '../errors.js';
import { endpointRequest } from './container-request.js';
import type { EndpointSettings } from './container-request.js';
import { reservedAddresses, setupEndpoint, teardownEndpoint } from './endpoint-setup.js';
import type { NetworkService } from './network-service.js';
import type { ContainerNetworks, NetworkRecord } from './types.js';

/** What connecting and disconnecting use of ContainerNetworking. */
export interface NetworkEditing {
  service: NetworkService;
  containers: ContainerStore;
  log: (line: string) => void;
  desired: (c: ContainerRecord) => ContainerNetworks;
}

/** Connects `c` to network `n`; returns whether it was set up now (the container runs). */
export async function connectNetwork(
  ctx: NetworkEditing,
  n: NetworkRecord,
  c: ContainerRecord,
  settings: EndpointSettings | undefined,
): Promise<boolean> {
  const { service } = ctx;
  const desired = ctx.desired(c);
  if (desired.mode !== 'bridge' || n.driver !== 'bridge') {
    throw new EngineError(
      'invalid',
      'ENGINE_NETWORK_MODE',
      n.driver === 'host' || desired.mode === 'host'
        ? 'container cannot be disconnected from host network or connected to host network'
        : 'container sharing network namespace with another container or host cannot be connected to any other network',
    );
  }
  if (desired.endpoints.some((e) => e.networkId === n.id)) {
    throw new EngineError(
      'conflict',
      'ENGINE_ENDPOINT_EXISTS',
      `endpoint with name ${c.name} already exists in network ${n.name}`,
    );
  }
  const req = endpointRequest(n, settings);
  await service.exclusive(async () => {
    const active = service.store.activeOf(c.id);
    if (c.state.Running && active) {
      const used = new Set(active.endpoints.map((e) => e.interfaceName));
      let i = 0;
      while (used.has(`eth${i}`)) i++;
      await setupEndpoint({
        service,
        c,
        n,
        log: ctx.log,
        req,
        active,
        interfaceName: `eth${i}`,
        ports: [],
        reserved: reservedAddresses(n, ctx.containers.all(), c.id),
      });
    }
    c.attachments = { ...c.attachments, network: { ...desired, endpoints: [...desired.endpoints, req] } };
    await ctx.containers.save(c);
  });
  return c.state.Running;
}

/** Disconnects `c` from network `n`; returns whether its endpoint there was torn down now (the container runs). */
export async function disconnectNetwork(ctx: NetworkEditing, n: NetworkRecord, c: ContainerRecord): Promise<boolean> {
  const { service } = ctx;
  const desired = ctx.desired(c);
  if (!desired.endpoints.some((e) => e.networkId === n.id)) {
    throw new EngineError(
      'conflict',
      'ENGINE_NOT_CONNECTED',
      `container ${c.id} is not connected to network ${n.name}`,
    );
  }
  let wasActive = false;
  await service.exclusive(async () => {
    const active = service.store.activeOf(c.id);
    const e = active?.endpoints.find((x) => x.networkId === n.id);
    if (active && e) {
      wasActive = true;
      active.endpoints = active.endpoints.filter((x) => x !== e);
      await teardownEndpoint({ service, active, e, log: ctx.log });
      await service.store.saveActive(active); // only now: a crash before re-runs the teardown
    }
    c.attachments = {
      ...c.attachments,
      network: { ...desired, endpoints: desired.endpoints.filter((x) => x.networkId !== n.id) },
    };
    await ctx.containers.save(c);
  });
  return wasActive;
}
