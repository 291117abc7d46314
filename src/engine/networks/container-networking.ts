// The network side of a container's life (lifecycle's NetworkAttachments seam) and /networks/{id}/connect and
// /disconnect. A container on bridge networks gets a namespace of its own, kept as a bind-mounted file under the
// data root from start until its process exits; "host" joins berthd's namespace and "container:<id>" another
// container's.
import { existsSync, readFileSync } from 'node:fs';
import type { NetworkAttachments, NetworkSetup } from '../containers/attachments.js';
import type { ContainerRecord, ContainerStore } from '../containers/container-store.js';
import { EngineError } from '../errors.js';
import { containerNetworks, endpointRequest } from './container-request.js';
import type { EndpointSettings } from './container-request.js';
import { choosePorts, reservedAddresses, setupEndpoint, teardownEndpoint } from './endpoint-setup.js';
import { hostsFile, resolvConf } from './etc-files.js';
import { createNetns, removeNetns } from './host-net.js';
import type { AttachedContainer } from './network-json.js';
import { settingsJson } from './network-json.js';
import { NetworkService } from './network-service.js';
import { portMappings } from './ports.js';
import type { ActiveContainer, ContainerNetworks, NetworkRecord } from './types.js';

export interface ContainerNetworkingOptions {
  service: NetworkService;
  containers: ContainerStore;
  log: (line: string) => void;
}

const LEGACY: ContainerNetworks = { mode: 'none', endpoints: [] };

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export class ContainerNetworking implements NetworkAttachments {
  readonly service: NetworkService;
  private readonly containers: ContainerStore;
  private readonly log: (line: string) => void;
  /** Containers whose namespace `namespace` made and `connect` has not taken over yet. */
  private readonly madeNamespaces = new Set<string>();

  constructor(opts: ContainerNetworkingOptions) {
    this.service = opts.service;
    this.containers = opts.containers;
    this.log = opts.log;
  }

  desiredOf(c: ContainerRecord): ContainerNetworks {
    return (c.attachments?.network as ContainerNetworks | undefined) ?? LEGACY;
  }

  async create(record: ContainerRecord, networkingConfig: unknown): Promise<void> {
    const desired = containerNetworks(record.hostConfig, networkingConfig, {
      network: (ref) => this.service.store.get(ref),
      containerId: (ref) => this.containers.get(ref).id,
    });
    portMappings(record.hostConfig, this.exposed(record)); // a bad port fails at create, as with Docker
    record.attachments = { ...record.attachments, network: desired };
  }

  async namespace(c: ContainerRecord): Promise<string | undefined> {
    const desired = this.desiredOf(c);
    if (desired.mode === 'none') return undefined;
    if (desired.mode === 'host') return `/proc/${process.pid}/ns/net`;
    if (desired.mode === 'container')
      return `/proc/${this.joinedContainer(desired.container as string).state.Pid}/ns/net`;
    const { store } = this.service;
    const left = store.activeOf(c.id);
    if (left) await this.service.exclusive(() => this.teardownAll(left)); // what a crash left behind
    const path = store.netnsPath(c.id);
    if (existsSync(path)) await removeNetns(path); // made by a start that a crash cut short before connect
    await createNetns(path);
    this.madeNamespaces.add(c.id);
    return path;
  }

  async connect(c: ContainerRecord): Promise<NetworkSetup> {
    const desired = this.desiredOf(c);
    const hostname = (c.config.Hostname as string | undefined) || c.id.slice(0, 12);
    const extraHosts = strings(c.hostConfig.ExtraHosts);
    const resolver = (dnsServers: string[], hostNamespace: boolean): string =>
      resolvConf({
        host: readText('/etc/resolv.conf'),
        dnsServers,
        dns: strings(c.hostConfig.Dns),
        dnsSearch: strings(c.hostConfig.DnsSearch),
        dnsOptions: strings(c.hostConfig.DnsOptions),
        hostNamespace,
      });
    if (desired.mode === 'none') return { hosts: hostsFile({ hostname, extraHosts }), resolvConf: resolver([], false) };
    if (desired.mode === 'host') {
      const extra = extraHosts.map((e) => e.replace(/^([^:=]+)[:=](.*)$/, '$2\t$1')).join('\n');
      return {
        netns: `/proc/${process.pid}/ns/net`,
        hosts: `${readText('/etc/hosts')}${extra ? `${extra}\n` : ''}`,
        resolvConf: resolver([], true),
      };
    }
    if (desired.mode === 'container') {
      const target = this.joinedContainer(desired.container as string);
      const shared = this.service.store.activeOf(target.id);
      return { netns: `/proc/${target.state.Pid}/ns/net`, hosts: shared?.hosts, resolvConf: shared?.resolvConf };
    }
    const active = await this.service.exclusive(() => this.connectBridge(c, desired));
    const first = active.endpoints[0];
    active.hosts = hostsFile({ hostname, ip: first?.ip, extraHosts, gateway: first?.gateway });
    active.resolvConf = resolver([...new Set(active.endpoints.flatMap((e) => e.dnsServers))], false);
    await this.service.store.saveActive(active);
    for (const e of active.endpoints) this.emit('connect', c, e.networkId);
    return { netns: active.netns, hosts: active.hosts, resolvConf: active.resolvConf };
  }

  /** The running container whose namespace `network_mode: container:` joins. */
  private joinedContainer(ref: string): ContainerRecord {
    const target = this.containers.get(ref);
    if (!target.state.Running) {
      throw new EngineError(
        'conflict',
        'ENGINE_NOT_RUNNING',
        `cannot join network of a non running container: ${target.id}`,
      );
    }
    return target;
  }

  private async connectBridge(c: ContainerRecord, desired: ContainerNetworks): Promise<ActiveContainer> {
    const { store } = this.service;
    const left = store.activeOf(c.id);
    if (left) {
      await this.teardownAll(left); // what a crash left behind, namespace included
      this.madeNamespaces.delete(c.id);
    }
    const others = store.allActive().flatMap((a) => a.published);
    const published = await choosePorts(portMappings(c.hostConfig, this.exposed(c)), others);
    const active: ActiveContainer = { containerId: c.id, netns: store.netnsPath(c.id), endpoints: [], published };
    if (!this.madeNamespaces.delete(c.id)) await createNetns(active.netns);
    try {
      await store.saveActive(active);
      for (const req of desired.endpoints) {
        const n = store.get(req.networkId);
        active.endpoints.push(
          await setupEndpoint({
            service: this.service,
            c,
            n,
            req,
            netns: active.netns,
            interfaceName: `eth${active.endpoints.length}`,
            ports: active.endpoints.length === 0 ? published : [],
            reserved: reservedAddresses(n, this.containers.all(), c.id),
          }),
        );
        await store.saveActive(active);
      }
    } catch (e) {
      await this.teardownAll(active);
      throw e;
    }
    return active;
  }

  /** Tears every endpoint down, then the namespace. Call inside exclusive(). */
  private async teardownAll(active: ActiveContainer): Promise<void> {
    while (active.endpoints.length > 0) {
      const e = active.endpoints.pop() as NonNullable<(typeof active.endpoints)[number]>;
      await this.service.store.saveActive(active);
      await teardownEndpoint({ service: this.service, active, e, log: this.log });
    }
    await removeNetns(active.netns);
    this.service.store.deleteActive(active.containerId);
  }

  async disconnect(c: ContainerRecord): Promise<void> {
    const active = this.service.store.activeOf(c.id);
    if (!active) {
      if (this.madeNamespaces.delete(c.id)) await removeNetns(this.service.store.netnsPath(c.id));
      return;
    }
    const networks = active.endpoints.map((e) => e.networkId);
    await this.service.exclusive(async () => {
      if (this.service.store.activeOf(c.id)) await this.teardownAll(active);
    });
    for (const id of networks) this.emit('disconnect', c, id);
  }

  async remove(c: ContainerRecord): Promise<void> {
    await this.disconnect(c);
  }

  inspect(c: ContainerRecord): unknown {
    return settingsJson({
      container: c,
      desired: this.desiredOf(c),
      active: this.service.store.activeOf(c.id),
      network: (id) => this.service.store.find(id),
      exposed: this.exposed(c),
    });
  }

  /** The running containers on `n`, for the network's inspect and for refusing its removal. */
  attachedTo(n: NetworkRecord): AttachedContainer[] {
    return this.service.store.allActive().flatMap((a) => {
      const endpoint = a.endpoints.find((e) => e.networkId === n.id);
      const c = this.containers.find(a.containerId);
      return endpoint && c ? [{ id: c.id, name: c.name, endpoint }] : [];
    });
  }

  /** POST /networks/{id}/connect: recorded for the container's next start, and set up now if it runs. */
  async connectNetwork(
    networkRef: string,
    containerRef: string,
    settings: EndpointSettings | undefined,
  ): Promise<void> {
    const n = this.service.store.get(networkRef);
    const c = this.containers.get(containerRef);
    const desired = this.desiredOf(c);
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
    await this.service.exclusive(async () => {
      const active = this.service.store.activeOf(c.id);
      if (c.state.Running && active) {
        const used = new Set(active.endpoints.map((e) => e.interfaceName));
        let i = 0;
        while (used.has(`eth${i}`)) i++;
        active.endpoints.push(
          await setupEndpoint({
            service: this.service,
            c,
            n,
            req,
            netns: active.netns,
            interfaceName: `eth${i}`,
            ports: [],
            reserved: reservedAddresses(n, this.containers.all(), c.id),
          }),
        );
        await this.service.store.saveActive(active);
      }
      c.attachments = { ...c.attachments, network: { ...desired, endpoints: [...desired.endpoints, req] } };
      await this.containers.save(c);
    });
    if (c.state.Running) this.emit('connect', c, n.id);
  }

  /** POST /networks/{id}/disconnect. */
  async disconnectNetwork(networkRef: string, containerRef: string): Promise<void> {
    const n = this.service.store.get(networkRef);
    const c = this.containers.get(containerRef);
    const desired = this.desiredOf(c);
    if (!desired.endpoints.some((e) => e.networkId === n.id)) {
      throw new EngineError(
        'conflict',
        'ENGINE_NOT_CONNECTED',
        `container ${c.id} is not connected to network ${n.name}`,
      );
    }
    let wasActive = false;
    await this.service.exclusive(async () => {
      const active = this.service.store.activeOf(c.id);
      const e = active?.endpoints.find((x) => x.networkId === n.id);
      if (active && e) {
        wasActive = true;
        active.endpoints = active.endpoints.filter((x) => x !== e);
        await this.service.store.saveActive(active);
        await teardownEndpoint({ service: this.service, active, e, log: this.log });
      }
      c.attachments = {
        ...c.attachments,
        network: { ...desired, endpoints: desired.endpoints.filter((x) => x.networkId !== n.id) },
      };
      await this.containers.save(c);
    });
    if (wasActive) this.emit('disconnect', c, n.id);
  }

  private exposed(c: ContainerRecord): string[] {
    return Object.keys((c.config.ExposedPorts as Record<string, unknown> | null | undefined) ?? {});
  }

  private emit(action: 'connect' | 'disconnect', c: ContainerRecord, networkId: string): void {
    const n = this.service.store.find(networkId);
    this.service.events.emit('network', action, networkId, {
      container: c.id,
      name: n?.name ?? networkId,
      type: 'bridge',
    });
  }
}

/**
 * Opens the network store under `root` (adding the predefined networks to a new one) and the seam on top, and brings
 * the host's isolation table in line (a crash may have left bridges in it that are gone).
 */
export async function openNetworking(opts: {
  root: string;
  containers: ContainerStore;
  events: NetworkService['events'];
  log: (line: string) => void;
}): Promise<ContainerNetworking> {
  const service = new NetworkService({ root: opts.root, events: opts.events });
  await service.ensurePredefined();
  // Without a working nft, containers without networks still run; creating a bridge then fails with the hint.
  await service.sweepIsolation().catch((e: unknown) => {
    if (!(e instanceof EngineError)) throw e;
    opts.log(`network isolation not swept at start: ${e.message}`);
  });
  return new ContainerNetworking({ service, containers: opts.containers, log: opts.log });
}
