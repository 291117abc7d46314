// Setting one network up in a container's namespace and tearing it down: an address from the network's pool
// (or the static one asked for), then berthd's own veth pair (veth.ts) for a container's first network without
// published ports, with the network's rules added by berthd for its first container (nat-rules.ts), or netavark's
// setup for published ports and further networks; and the bridge's upkeep afterwards. Callers hold
// NetworkService.exclusive().
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { ContainerRecord } from '../containers/container-store.js';
import { EngineError } from '../errors.js';
import { formatIp, parseCidr, parseIp, pickAddress } from './ipam.js';
import type { Cidr } from './ipam.js';
import type { PortMapping } from './netavark.js';
import { netavarkInput, setup, teardown } from './netavark.js';
import { addNetworkRules } from './nat-rules.js';
import type { NetworkService } from './network-service.js';
import { conflictingPort } from './ports.js';
import { addVeth, containerMac, deleteInterface, newHostName } from './veth.js';
import type { ActiveContainer, ActiveEndpoint, ContainerNetworks, EndpointRequest, NetworkRecord } from './types.js';

/** The address for `req` on `n`: the static one if free, else the lowest free one of the pool. */
export function allocateAddress(opts: {
  n: NetworkRecord;
  req: EndpointRequest;
  active: readonly ActiveContainer[];
  reserved: readonly string[];
}): string {
  const { n, req } = opts;
  const subnet = parseCidr(n.subnet as string) as Cidr;
  const inUse = new Set<number>([parseIp(n.gateway as string) as number]);
  for (const a of opts.active) {
    for (const e of a.endpoints) if (e.networkId === n.id) inUse.add(parseIp(e.ip) as number);
  }
  if (req.ipv4Address) {
    const ip = parseIp(req.ipv4Address) as number;
    if (inUse.has(ip)) {
      throw new EngineError(
        'conflict',
        'ENGINE_ADDRESS_IN_USE',
        `Address already in use: ${req.ipv4Address} on network ${n.name}`,
      );
    }
    return req.ipv4Address;
  }
  for (const r of opts.reserved) inUse.add(parseIp(r) as number);
  const ip = pickAddress(subnet, inUse, n.ipRange ? parseCidr(n.ipRange) : undefined);
  if (ip === undefined) {
    throw new EngineError('unavailable', 'ENGINE_NO_ADDRESS', `no available IPv4 addresses on network ${n.name}`);
  }
  return formatIp(ip);
}

/** Static addresses other containers asked for on `n`, kept free for them by the dynamic allocation. */
export function reservedAddresses(n: NetworkRecord, containers: readonly ContainerRecord[], except: string): string[] {
  return containers.flatMap((c) => {
    if (c.id === except) return [];
    const desired = c.attachments?.network as ContainerNetworks | undefined;
    return (desired?.endpoints ?? []).flatMap((e) => (e.networkId === n.id && e.ipv4Address ? [e.ipv4Address] : []));
  });
}

function freePort(hostIp: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: hostIp || '0.0.0.0', exclusive: true }, () => {
      const chosen = (server.address() as { port: number }).port;
      server.close(() => resolve(chosen));
    });
  });
}

/** Host ports for the mappings: port 0 becomes a free one; a taken port is a `conflict`, as with dockerd. */
export async function choosePorts(
  wanted: readonly PortMapping[],
  others: readonly PortMapping[],
): Promise<PortMapping[]> {
  const out: PortMapping[] = [];
  for (const m of wanted) {
    const taken = [...others, ...out];
    const port = m.host_port === 0 ? await freePort(m.host_ip, 0) : m.host_port;
    const chosen = { ...m, host_port: port ?? 0 };
    const clash = conflictingPort([chosen], taken);
    const free = m.protocol !== 'tcp' || m.host_port === 0 || (await freePort(m.host_ip, m.host_port)) !== undefined;
    if (port === undefined || clash || !free) {
      throw new EngineError(
        'conflict',
        'ENGINE_PORT_ALLOCATED',
        `Bind for ${m.host_ip || '0.0.0.0'}:${m.host_port} failed: port is already allocated`,
      );
    }
    out.push(chosen);
  }
  return out;
}

/**
 * Sets `n` up in the container's namespace as `interfaceName` and adds the endpoint to `active` (or leaves the
 * making of berthd's own veth pair to the caller, see `deferVeth`). Write-ahead: the
 * endpoint (with the exact netavark input) is saved in `active` before netavark runs, so that whatever a crash
 * leaves half made (veth, DNAT rules) is torn down with that input after a restart.
 */
export async function setupEndpoint(opts: {
  service: NetworkService;
  c: ContainerRecord;
  n: NetworkRecord;
  log: (line: string) => void;
  req: EndpointRequest;
  active: ActiveContainer;
  interfaceName: string;
  ports: readonly PortMapping[];
  reserved: readonly string[];
  /**
   * Given, berthd's own veth pair is not made here but handed over as `make`, to be awaited outside the network
   * lock (the endpoint is saved, with its address, and counts for every decision already).
   */
  deferVeth?: (make: () => Promise<ActiveEndpoint>) => void;
}): Promise<ActiveEndpoint> {
  const { service, c, n, req, active } = opts;
  // With other containers on it, the network's bridge is up and isolated: checking the host again (an `ip` and an
  // `nft` process) is for its first container.
  const up = networkIsUp(service, n, c.id);
  if (!up) await service.materialize(n);
  const ip = allocateAddress({ n, req, active: service.store.allActive(), reserved: opts.reserved });
  const hostname = c.config.Hostname as string | undefined;
  const aliases = n.dnsEnabled
    ? [...new Set([...req.aliases, ...(hostname ? [hostname] : []), c.id.slice(0, 12)])].filter((a) => a !== c.name)
    : [];
  const dns = ((c.hostConfig.Dns as string[] | null | undefined) ?? []).filter((s) => parseIp(s) !== undefined);
  const input = netavarkInput({
    containerId: c.id,
    containerName: c.name,
    network: n,
    interfaceName: opts.interfaceName,
    ip,
    aliases,
    portMappings: opts.ports,
    dnsServers: dns,
  });
  const e: ActiveEndpoint = {
    networkId: n.id,
    interfaceName: opts.interfaceName,
    endpointId: randomBytes(32).toString('hex'),
    ip,
    prefixLen: (parseCidr(n.subnet as string) as Cidr).prefix,
    gateway: n.gateway as string,
    mac: '',
    aliases,
    dnsServers: [],
    netavarkInput: input,
  };
  const first = active.endpoints.length === 0 && opts.ports.length === 0;
  active.endpoints.push(e);
  await service.store.saveActive(active);
  // The container's first network only (the one with the default route), without published ports: on a network
  // whose rules are in place, or once berthd has added them (nat-rules.ts; an internal network has none). Added
  // after the endpoint is saved, so that a crash in between leaves a record whose teardown removes them.
  const direct = first && (up || n.internal || (await addNetworkRules(n.name, n.subnet as string)));
  if (direct && opts.deferVeth) {
    opts.deferVeth(() => setupOwnVeth(opts, e));
    return e;
  }
  if (direct) return setupOwnVeth(opts, e);
  const where = { aardvarkDir: service.store.aardvarkDir, netns: active.netns, input };
  // A failed setup may have left rules or links half made: teardown with the same input undoes what exists.
  const result = await setup({ ...where, interfaceName: opts.interfaceName }).catch(async (err: unknown) => {
    await teardown(where).catch(() => undefined);
    active.endpoints = active.endpoints.filter((x) => x !== e);
    await service.store.saveActive(active);
    await service.settle(n, service.usedByOthers(n.id, undefined)).catch(() => undefined);
    throw err;
  });
  e.mac = result.mac;
  return finishSetup(opts, e);
}

/** The direct path of setupEndpoint: berthd's own veth pair (veth.ts); `e` is saved in `active` already. */
async function setupOwnVeth(
  opts: { service: NetworkService; n: NetworkRecord; active: ActiveContainer; log: (line: string) => void },
  e: ActiveEndpoint,
): Promise<ActiveEndpoint> {
  const { service, n, active } = opts;
  e.hostInterface = newHostName(); // saved with the finished endpoint; a leave deletes the pair by it (leave.ts)
  await addVeth({
    hostName: e.hostInterface,
    netns: active.netns,
    interfaceName: e.interfaceName,
    bridge: n.bridge as string,
    mtu: n.mtu,
    ip: e.ip,
    prefixLen: e.prefixLen,
    gateway: e.gateway,
    mac: containerMac(e.ip),
    internal: n.internal,
  }).catch(async (err: unknown) => {
    active.endpoints = active.endpoints.filter((x) => x !== e);
    await service.store.saveActive(active);
    throw err;
  });
  e.mac = containerMac(e.ip);
  return finishSetup(opts, e);
}

/**
 * Whether the rules of `n` are in place: another container has a finished endpoint on it (they go only with the
 * network's last container). While the first container's veth pair is still being made, the next one finds the
 * network not up and adds the rules again, which finds them there and adds nothing.
 */
function networkIsUp(service: NetworkService, n: NetworkRecord, containerId: string): boolean {
  return service.usedByOthers(n.id, containerId, { finished: true });
}

/** Records the finished endpoint and makes sure the name server listens on the network's gateway. */
async function finishSetup(
  opts: { service: NetworkService; n: NetworkRecord; active: ActiveContainer; log: (line: string) => void },
  e: ActiveEndpoint,
): Promise<ActiveEndpoint> {
  const { service, n, active } = opts;
  e.dnsServers = n.dnsEnabled ? [n.gateway as string] : [];
  await service.store.saveActive(active);
  if (n.dnsEnabled && !(await service.names.listen(n.gateway as string))) {
    opts.log(
      `the name server cannot bind ${n.gateway}:53 yet (names on network ${n.name} fail until it can); ` +
        `check what else listens there (ss -ulpn)`,
    );
  }
  return e;
}

/**
 * Undoes setupEndpoint. `active` no longer lists `e` (so the network's other users are known). Errors are logged,
 * not thrown: teardown goes on with what is left.
 */
export async function teardownEndpoint(opts: {
  service: NetworkService;
  active: ActiveContainer;
  e: ActiveEndpoint;
  log: (line: string) => void;
}): Promise<void> {
  const { service, active, e } = opts;
  const othersOn = service.usedByOthers(e.networkId, active.containerId);
  const n = service.store.find(e.networkId);
  // the containers leaving outside the lock go first: the network's rules go only once no other interface is left
  if (!othersOn) await service.leftFrom(e.networkId);
  // netavark is needed for published ports (its DNAT rules); otherwise deleting the interface is all it does. A
  // network's rules go with its bridge (NetworkService.dropBridge): when a user network is removed, and when the
  // default network gives its subnet up with its last container (settle below). A network whose record is gone
  // leaves its last container to netavark, which knows what it made.
  const last = !othersOn && !active.endpoints.some((x) => x.networkId === e.networkId);
  const direct = !hasPorts(e) && (!last || n !== undefined) && (await deleteInterface(active.netns, e.interfaceName));
  if (!direct) {
    await teardown({ aardvarkDir: service.store.aardvarkDir, netns: active.netns, input: e.netavarkInput }).catch(
      (err: unknown) => opts.log(`netavark teardown of ${active.containerId} on ${e.networkId}: ${String(err)}`),
    );
  }
  if (!n) return;
  const stillUsed = service.usedByOthers(n.id, active.containerId);
  await service
    .settle(n, stillUsed || active.endpoints.some((x) => x.networkId === n.id), { bridgeKept: direct })
    .catch((err: unknown) => opts.log(`bridge of network ${n.name}: ${String(err)}`));
}

/** Whether the endpoint publishes ports (netavark's DNAT rules, which only netavark removes). */
export function hasPorts(e: ActiveEndpoint): boolean {
  try {
    return ((JSON.parse(e.netavarkInput) as { port_mappings?: unknown[] }).port_mappings ?? []).length > 0;
  } catch {
    return true; // unreadable: netavark decides
  }
}
