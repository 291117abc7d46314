// The network side of a container's life (lifecycle's NetworkAttachments seam) and /networks/{id}/connect and
// /disconnect. A container on bridge networks gets a namespace of its own, kept as a bind-mounted file under the
// data root from start until its process exits; "host" joins berthd's namespace and "container:<id>" another
// container's.
import { existsSync, readFileSync } from 'node:fs';
import type { NetworkAttachments, NetworkSetup } from '../containers/attachments.js';
import type { ContainerRecord, ContainerStore } from '../containers/container-store.js';
import { EngineError } from '../errors.js';
import { containerNetworks } from './container-request.js';
import type { EndpointSettings } from './container-request.js';
import { choosePorts, reservedAddresses, setupEndpoint, teardownEndpoint } from './endpoint-setup.js';
import { connectNetwork, disconnectNetwork } from './network-connect.js';
import type { NetworkEditing } from './network-connect.js';
import { hostsFile, resolvConf } from './etc-files.js';
import { canLeaveDirectly, startLeave } from './leave.js';
import { createNetns, hostLinkNames, removeNetns } from './host-net.js';
import type { AttachedContainer } from './network-json.js';
import { settingsJson } from './network-json.js';
import { stopAardvark, waitForNetavark } from './netavark-processes.js';
import type { NetworkService } from './network-service.js';
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
  /** Containers this berthd is starting or has started (namespace or connect called, disconnect not yet). */
  private readonly attached = new Set<string>();

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
    this.attached.add(c.id);
    await this.service.leaveEnded(c.id); // the interfaces of its last run, if they are still going
    const left = store.activeOf(c.id);
    if (left) await this.service.exclusive(() => this.teardownAll(left)); // what a crash left behind
    const path = store.netnsPath(c.id);
    if (existsSync(path)) await removeNetns(path); // left by a berthd that did not record it ahead
    // Write-ahead: the record names the namespace before it is mounted, so a crash cannot leave a mount that no
    // record owns (disconnect, the start-up sweep and `down` tear down what the record names).
    await store.saveActive({ containerId: c.id, netns: path, endpoints: [], published: [] });
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
    this.attached.add(c.id);
    await this.service.leaveEnded(c.id);
    let makeVeth: (() => Promise<unknown>) | undefined;
    const active = await this.service.exclusive(() => this.connectBridge(c, desired, (make) => (makeVeth = make)));
    // outside the lock, so that many containers joining a network make their pairs side by side
    await makeVeth?.().catch(async (e: unknown) => {
      await this.service.exclusive(() => this.teardownAll(active));
      throw e;
    });
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

  private async connectBridge(
    c: ContainerRecord,
    desired: ContainerNetworks,
    deferVeth: (make: () => Promise<unknown>) => void,
  ): Promise<ActiveContainer> {
    const { store } = this.service;
    const made = this.madeNamespaces.delete(c.id);
    let active = store.activeOf(c.id);
    if (active && (!made || active.endpoints.length > 0)) {
      await this.teardownAll(active); // what a crash left behind, namespace included
      active = undefined;
    }
    if (!active) {
      active = { containerId: c.id, netns: store.netnsPath(c.id), endpoints: [], published: [] };
      await store.saveActive(active); // write-ahead, as in namespace()
      await createNetns(active.netns);
    }
    try {
      const others = store.allActive().flatMap((a) => (a.containerId === c.id ? [] : a.published));
      active.published = await choosePorts(portMappings(c.hostConfig, this.exposed(c)), others);
      await store.saveActive(active); // the ports are named before netavark forwards them
      for (const req of desired.endpoints) {
        const n = store.get(req.networkId);
        await setupEndpoint({
          service: this.service,
          c,
          n,
          log: this.log,
          req,
          active,
          interfaceName: `eth${active.endpoints.length}`,
          ports: active.endpoints.length === 0 ? active.published : [],
          reserved: reservedAddresses(n, this.containers.all(), c.id),
          // one network: its pair can be made after the lock (with more, each setup follows the one before)
          ...(desired.endpoints.length === 1 ? { deferVeth } : {}),
        });
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
      // Dropped from the record on disk only once torn down: a crash in between tears it down again on restart.
      const e = active.endpoints.pop() as NonNullable<(typeof active.endpoints)[number]>;
      await teardownEndpoint({ service: this.service, active, e, log: this.log });
      await this.service.store.saveActive(active);
    }
    await removeNetns(active.netns);
    this.service.store.deleteActive(active.containerId);
  }

  async disconnect(c: ContainerRecord): Promise<void> {
    this.attached.delete(c.id);
    if (this.service.leaving.has(c.id)) return; // its exit started the leave (a removal calls this again)
    const active = this.service.store.activeOf(c.id);
    if (!active) {
      if (this.madeNamespaces.delete(c.id)) await removeNetns(this.service.store.netnsPath(c.id));
      return;
    }
    const networks = active.endpoints.map((e) => e.networkId);
    const emitAll = (): void => networks.forEach((id) => this.emit('disconnect', c, id));
    const current = (): boolean => this.service.store.activeOf(c.id) === active && !this.service.leaving.has(c.id);
    // Deciding touches only berthd's records (no host lock). A leave's interfaces and namespace go after the exit
    // is recorded (leave.ts): ending them waits for the kernel (~15-50 ms), and the stopped container
    // needs neither gone before its next start, which waits for them; its network's removal does not need them.
    const how = await this.service.local(async () => {
      if (!current()) return 'done';
      if (!canLeaveDirectly(this.service, active)) return 'netavark';
      startLeave(this.service, active, this.log);
      return 'leaving';
    });
    if (how === 'netavark') {
      await this.service.exclusive(async () => {
        if (current()) await this.teardownAll(active);
      });
    }
    if (how !== 'done') emitAll(); // a leaving one is let go as clients see it: network inspect no longer lists it
  }

  /**
   * Tears down what no live container owns: the endpoint records of containers that neither run nor are being
   * started by this berthd (a start or an exit that a crash cut short), then the namespace files under this data
   * root that no record names. Idempotent, and it touches only this data root's records and files (another berthd
   * on the host keeps its own). Returns the ids of the containers whose records it tore down.
   */
  async sweep(): Promise<string[]> {
    return this.service.exclusive(() => this.sweepLocked());
  }

  /** As `sweep`, inside exclusive(). */
  private async sweepLocked(): Promise<string[]> {
    const { store } = this.service;
    const swept: string[] = [];
    for (const a of store.allActive()) {
      if (this.attached.has(a.containerId) || this.service.leaving.has(a.containerId)) continue;
      if (this.containers.find(a.containerId)?.state.Running) continue;
      await this.teardownAll(a);
      swept.push(a.containerId);
    }
    for (const id of store.netnsFiles()) {
      if (!store.activeOf(id) && !this.attached.has(id)) await removeNetns(store.netnsPath(id));
    }
    return swept;
  }

  /**
   * DELETE /networks/{id} (what `down` ends with): sweeps first, in the same section, so that endpoints a crash
   * left on the network neither block its removal nor outlive it.
   */
  async removeNetwork(ref: string): Promise<void> {
    // Containers still leaving it are gone as far as it is concerned: their interfaces, which go with their own
    // namespaces, need neither the bridge nor the rules, which go side by side with them.
    await this.service.exclusive(async () => {
      await this.sweepLocked();
      await this.service.removeLocked(ref, (n) => this.attachedTo(n).map((c) => c.name));
    });
  }

  /**
   * At berthd's start, after exits are recorded: lets a netavark run that a killed berthd left finish, then sweeps.
   */
  async recover(): Promise<void> {
    const { store, names } = this.service;
    const dir = store.aardvarkDir;
    if (!(await waitForNetavark(dir))) this.log(`a netavark run of ${dir} is still going; sweeping anyway`);
    const swept = await this.sweep();
    if (swept.length > 0) this.log(`tore down the network of ${swept.length} container(s) a crash left behind`);
    // Names are berthd's own now: an aardvark-dns that an older berthd of this data root started holds the
    // gateways' port 53 and goes, then the name server takes the networks whose containers still run.
    if (stopAardvark(dir) !== undefined) this.log('stopped the aardvark-dns of an older berthd: berthd answers names');
    const links = await hostLinkNames();
    for (const n of store.all()) {
      const used = store.allActive().some((a) => a.endpoints.some((e) => e.networkId === n.id));
      if (n.dnsEnabled && n.gateway && n.bridge && used && links.has(n.bridge)) await names.listen(n.gateway);
    }
  }

  /** At berthd's stop: sweeps, and the name server lets go of the gateways (running containers outlive berthd). */
  async shutdown(): Promise<void> {
    await Promise.all([this.service.leaveEnded(), this.service.removalsEnded()]);
    await this.sweep();
    await this.service.names.closeAll();
  }

  /** At the container's removal; a leave its exit started may still be going (leave.ts). */
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

  /**
   * The running containers on `n`, for the network's inspect and for refusing its removal. A container leaving
   * has let go of the network as far as clients can see (as dockerd has once the container is marked stopped):
   * only its address stays taken until its interface is gone.
   */
  attachedTo(n: NetworkRecord): AttachedContainer[] {
    return this.service.store.allActive().flatMap((a) => {
      if (this.service.leaving.has(a.containerId)) return [];
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
    await this.service.leaveEnded(c.id);
    if (await connectNetwork(this.editing(), n, c, settings)) this.emit('connect', c, n.id);
  }

  /** POST /networks/{id}/disconnect. */
  async disconnectNetwork(networkRef: string, containerRef: string): Promise<void> {
    const n = this.service.store.get(networkRef);
    const c = this.containers.get(containerRef);
    await this.service.leaveEnded(c.id);
    if (await disconnectNetwork(this.editing(), n, c)) this.emit('disconnect', c, n.id);
  }

  private editing(): NetworkEditing {
    return { service: this.service, containers: this.containers, log: this.log, desired: (c) => this.desiredOf(c) };
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
