// Networks as objects: create, list, inspect, remove, prune, and the Linux bridge behind each bridge network. A user
// network gets its subnet and bridge at create; the default "bridge" network at its first container (and gives
// them back after its last). Subnets and bridge names are chosen under the host-wide lock against the host's live
// routes and links, so berthd daemons with different data roots never collide.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { NameServer } from '../dns/name-server.js';
import { nameView } from '../dns/names.js';
import type { NameView } from '../dns/names.js';
import type { EventBus } from '../events/event-bus.js';
import { EngineError } from '../errors.js';
import type { Lock } from '../content/lock.js';
import { createLock } from '../content/lock.js';
import {
  acquireHostLock,
  createBridge,
  deleteLink,
  fixBridgeMac,
  HOST_LOCK,
  hostLinkNames,
  hostSubnets,
} from './host-net.js';
import { defaultGateway, formatCidr, formatIp, overlaps, parseCidr, pickSubnet } from './ipam.js';
import type { Cidr } from './ipam.js';
import { isolateBridge, releaseBridge, sweepIsolation } from './isolation.js';
import { addNetworkRules, removeNetworkRules } from './nat-rules.js';
import { checkCreateRequest } from './create-request.js';
import type { NetworkCreateRequest } from './create-request.js';
import { NetworkStore } from './network-store.js';
import type { NetworkRecord } from './types.js';
import { PREDEFINED } from './types.js';

export interface NetworkServiceOptions {
  root: string;
  events: EventBus;
  /** The host-wide lock file (default /run/berth/networks.lock). */
  hostLock?: string;
  log?: (line: string) => void;
}

export class NetworkService {
  readonly store: NetworkStore;
  readonly events: EventBus;
  /** Answers the names of the networks with DNS on their gateways (src/engine/dns). */
  readonly names: NameServer;
  /**
   * Containers leaving their networks outside the lock (leave.ts), by id: `gone` resolves once their interfaces and
   * namespace are deleted, `left` once their record is dropped too (in the section that drops this entry). Their
   * records stay (their addresses stay taken) until then, but no decision counts them. A container's exit does not
   * wait for its leave; what needs it done waits with leaveEnded: the container's next start (its namespace file is
   * the same) and its network changes, and berthd's stop.
   */
  readonly leaving = new Map<string, { gone: Promise<void>; left: Promise<void> }>();
  /** Teardowns of removed networks (removeLocked), by id: each a section queued behind its removal's. */
  private readonly teardowns = new Map<string, Promise<void>>();
  private readonly lock: Lock = createLock();
  private readonly hostLock: string;
  private readonly log: (line: string) => void;
  /** Sections called and not finished; the host lock is held while there are any. */
  private queued = 0;
  private releaseHost: (() => void) | undefined;

  constructor(opts: NetworkServiceOptions) {
    this.store = NetworkStore.open(opts.root);
    this.events = opts.events;
    this.hostLock = opts.hostLock ?? HOST_LOCK;
    this.log = opts.log ?? (() => undefined);
    let cached: { generation: number; view: NameView } | undefined;
    this.names = new NameServer({
      view: () => {
        const { generation } = this.store;
        if (cached?.generation !== generation)
          cached = { generation, view: nameView(this.store.all(), this.store.allActive()) };
        return cached.view;
      },
      log: this.log,
    });
  }

  /** Adds Docker's predefined networks "bridge", "host" and "none" to a new store. */
  async ensurePredefined(): Promise<void> {
    const drivers = { bridge: 'bridge', host: 'host', none: 'null' } as const;
    for (const [name, driver] of Object.entries(drivers)) {
      if (this.store.find(name)?.name === name) continue;
      await this.store.save({
        id: NetworkStore.newId(),
        name,
        driver,
        created: new Date().toISOString(),
        internal: false,
        attachable: false,
        labels: {},
        options: name === 'bridge' ? { 'com.docker.network.bridge.default_bridge': 'true' } : {},
        ipamRequest: [],
        dnsEnabled: false,
      });
    }
  }

  /**
   * Runs `section` alone: after every other section of this berthd, and holding the host-wide lock. Sections queued
   * back to back (the teardowns of a `down`'s containers, the setups of an `up`'s) share one hold of the host lock:
   * it is let go once none is waiting, so another berthd waits at most for the sections queued when it asked.
   */
  exclusive<T>(section: () => Promise<T>): Promise<T> {
    this.queued++;
    return this.lock(async () => {
      try {
        this.releaseHost ??= await acquireHostLock(this.hostLock);
        return await section();
      } finally {
        this.queued--;
        if (this.queued === 0) {
          this.releaseHost?.();
          this.releaseHost = undefined;
        }
      }
    });
  }

  /**
   * Runs `section` after every other section of this berthd, without the host-wide lock: for sections that read
   * and change only this berthd's records (deciding a leave, dropping its record), not the host's links or rules.
   */
  local<T>(section: () => Promise<T>): Promise<T> {
    return this.lock(section);
  }

  /** Resolves once the leave of container `id`, or with no id every leave under way, has ended, failed or not. Call outside any section. */
  async leaveEnded(id?: string): Promise<void> {
    const leaves = id === undefined ? [...this.leaving.values()] : [this.leaving.get(id)];
    await Promise.all(leaves.map((l) => l?.left.catch(() => undefined)));
  }

  /**
   * Whether a container other than `except` has an endpoint on network `networkId` and is not leaving it;
   * `finished`: an endpoint whose setup has ended. Call inside exclusive().
   */
  usedByOthers(networkId: string, except: string | undefined, opts: { finished?: boolean } = {}): boolean {
    return this.store
      .allActive()
      .some(
        (a) =>
          a.containerId !== except &&
          !this.leaving.has(a.containerId) &&
          a.endpoints.some((x) => x.networkId === networkId && (opts.finished !== true || x.mac !== '')),
      );
  }

  /** Resolves once the interfaces of the containers leaving network `networkId` are gone (leave.ts). */
  async leftFrom(networkId: string): Promise<void> {
    const on = [...this.leaving].filter(([id]) =>
      this.store.activeOf(id)?.endpoints.some((e) => e.networkId === networkId),
    );
    await Promise.all(on.map(([, l]) => l.gone));
  }

  /** POST /networks/create. Throws EngineError `invalid` for a bad request, `conflict` for a taken name or subnet. */
  async create(body: NetworkCreateRequest): Promise<NetworkRecord> {
    const req = checkCreateRequest(body);
    void this.finishRemovals(); // queued before this section: a subnet a failed teardown held may be free again
    return this.exclusive(async () => {
      if (this.store.find(req.name)?.name === req.name) {
        throw new EngineError('conflict', 'ENGINE_NETWORK_EXISTS', `network with name ${req.name} already exists`);
      }
      const id = NetworkStore.newId();
      const bridge = req.bridgeName ?? `br-${id.slice(0, 12)}`;
      // the host's links and subnets read side by side (three ip processes)
      const [links, taken] = await Promise.all([hostLinkNames(), this.takenSubnets()]);
      if (links.has(bridge) || this.store.records().some((n) => n.bridge === bridge)) {
        throw new EngineError(
          'conflict',
          'ENGINE_BRIDGE_EXISTS',
          `bridge name ${bridge} is already in use on this host`,
        );
      }
      let subnet: Cidr | undefined = req.subnet;
      if (subnet && taken.some((t) => overlaps(t, subnet as Cidr))) {
        throw new EngineError(
          'conflict',
          'ENGINE_SUBNET_OVERLAP',
          `Pool overlaps with other one on this address space: ${formatCidr(subnet)}`,
          { hint: 'pick another subnet, or leave it out and let berthd choose one' },
        );
      }
      subnet ??= pickSubnet(taken);
      if (!subnet) throw noSubnet();
      const n: NetworkRecord = {
        id,
        name: req.name,
        driver: 'bridge',
        created: new Date().toISOString(),
        internal: req.internal,
        attachable: req.attachable,
        labels: req.labels,
        options: req.options,
        ipamRequest: req.ipamRequest,
        subnet: formatCidr(subnet),
        gateway: req.gateway ?? formatIp(defaultGateway(subnet)),
        ipRange: req.ipRange,
        bridge,
        dnsEnabled: true,
        mtu: req.mtu,
      };
      // Write-ahead: saved before the host is touched, so that a crash leaves a record whose removal undoes it.
      await this.store.save(n);
      // Its rules too (as dockerd makes them at create, and keeps them until the network goes): its first container
      // then finds them in place. One that could not be made is made by that container's setup, or netavark's.
      const made = await Promise.allSettled([
        this.makeBridge(n),
        n.internal ? true : addNetworkRules(n.name, n.subnet as string),
      ]);
      if (made[0].status === 'rejected') {
        await this.dropBridge(n).catch(() => undefined);
        await this.store.delete(n.id);
        throw made[0].reason;
      }
      if (made[1].status !== 'fulfilled' || !made[1].value) {
        this.log(`the rules of network ${n.name} could not be made; its first container makes them`);
      }
      this.events.emit('network', 'create', n.id, { name: n.name, type: n.driver });
      return n;
    });
  }

  /** DELETE /networks/{id}: refused for the predefined networks and while containers run on it. */
  async remove(ref: string, attachedNames: (n: NetworkRecord) => string[]): Promise<void> {
    await this.exclusive(() => this.removeLocked(ref, attachedNames));
  }

  /** As `remove`, inside exclusive(). */
  async removeLocked(ref: string, attachedNames: (n: NetworkRecord) => string[]): Promise<void> {
    const n = this.store.get(ref);
    if ((PREDEFINED as readonly string[]).includes(n.name)) {
      throw new EngineError(
        'conflict',
        'ENGINE_PREDEFINED_NETWORK',
        `${n.name} is a pre-defined network and cannot be removed`,
      );
    }
    const attached = attachedNames(n);
    if (attached.length > 0) {
      throw new EngineError(
        'conflict',
        'ENGINE_NETWORK_IN_USE',
        `error while removing network: network ${n.name} id ${n.id} has active endpoints (${attached.map((a) => `name:"${a}"`).join(', ')})`,
        { hint: 'stop or disconnect its containers first (docker network disconnect)' },
      );
    }
    // Its gateway goes back to the host's pool: the name server lets go of it first.
    if (n.gateway) await this.names.close(n.gateway);
    // Gone for clients once marked (write-ahead: a crash leaves a record that the next start finishes removing). The
    // bridge and rules go in a section queued right behind this one, so every later section (a create of the same
    // name or subnet, a start) still comes after them; the answer does not wait for the kernel (~70 ms).
    await this.store.markRemoving(n);
    this.events.emit('network', 'destroy', n.id, { name: n.name, type: n.driver });
    this.tearDownLater(n);
  }

  /** Resolves once every teardown queued by a removal has ended (berthd's stop). Call outside any section. */
  async removalsEnded(): Promise<void> {
    await Promise.all(this.teardowns.values());
  }

  /** At start, and before a network is created: the teardowns that a crash cut short, or that failed, again. */
  finishRemovals(): Promise<void> {
    for (const n of this.store.removing()) if (!this.teardowns.has(n.id)) this.tearDownLater(n);
    return this.removalsEnded();
  }

  private tearDownLater(n: NetworkRecord): void {
    const done = this.exclusive(async () => {
      await nextTurn(); // after the I/O of this turn: the removal's answer goes out first
      await this.dropBridge(n);
      await this.store.delete(n.id);
    })
      .catch((e: unknown) => this.log(`tearing down removed network ${n.name}: ${String(e)} (tried again later)`))
      .finally(() => this.teardowns.delete(n.id));
    this.teardowns.set(n.id, done);
  }

  /**
   * Gives a bridge network its subnet (the default network, lazily) and makes sure its bridge and isolation rules
   * exist. Call inside exclusive().
   */
  async materialize(n: NetworkRecord): Promise<void> {
    if (n.driver !== 'bridge') return;
    if (!n.subnet) {
      const subnet = pickSubnet(await this.takenSubnets());
      if (!subnet) throw noSubnet();
      n.subnet = formatCidr(subnet);
      n.gateway = formatIp(defaultGateway(subnet));
      n.bridge = `br-${n.id.slice(0, 12)}`;
      await this.store.save(n);
    }
    if (!(await hostLinkNames()).has(n.bridge as string)) await this.makeBridge(n);
    else {
      await fixBridgeMac(n.bridge as string, n.gateway as string);
      await isolateBridge(n.bridge as string); // a no-op unless the table lost it (a flushed ruleset)
    }
  }

  /** At start: the host's isolation table in line with the host's links and this berthd's bridges. */
  async sweepIsolation(): Promise<void> {
    const own = this.store.records().flatMap((n) => (n.driver === 'bridge' && n.bridge ? [n.bridge] : []));
    await this.exclusive(() => sweepIsolation(own));
  }

  /**
   * After netavark tore down a network's last container (and with it the bridge): a user network gets its bridge
   * back, to keep holding its subnet; the default network gives subnet and bridge up. `bridgeKept`: the last
   * container left without netavark (nat-rules.ts), so a user network's bridge is still there. Call inside
   * exclusive().
   */
  async settle(n: NetworkRecord, stillUsed: boolean, opts: { bridgeKept?: boolean } = {}): Promise<void> {
    if (n.driver !== 'bridge' || stillUsed || !n.bridge) return;
    if (opts.bridgeKept && n.name !== 'bridge') return; // berthd removed the rules itself: the bridge is there
    if (n.name === 'bridge') {
      await this.dropBridge(n);
      delete n.subnet;
      delete n.gateway;
      delete n.bridge;
      await this.store.save(n);
    } else if (!(await hostLinkNames()).has(n.bridge)) {
      await this.makeBridge(n);
    }
  }

  private async makeBridge(n: NetworkRecord): Promise<void> {
    const subnet = parseCidr(n.subnet as string) as Cidr;
    await createBridge({ name: n.bridge as string, gateway: n.gateway as string, prefix: subnet.prefix, mtu: n.mtu });
    await isolateBridge(n.bridge as string);
  }

  /**
   * Deletes the bridge, takes it out of the isolation table and removes the network's rules, side by side: the
   * deletion waits for the kernel (~50 ms), and a bridge being dropped has no container left to isolate or NAT. A
   * bridge whose deletion failed is isolated again when a container next joins its network (materialize); rules
   * that could not be removed fail it: a removed network's teardown is then tried again (finishRemovals).
   */
  private async dropBridge(n: NetworkRecord): Promise<void> {
    if (!n.bridge) return;
    const subnet = n.subnet;
    const done = await Promise.allSettled([
      deleteLink(n.bridge),
      releaseBridge(n.bridge),
      subnet === undefined ? true : removeNetworkRules(subnet),
    ]);
    for (const r of done) if (r.status === 'rejected') throw r.reason;
    if (done[2]?.status === 'fulfilled' && done[2].value === false) {
      throw new EngineError('internal', 'ENGINE_NETWORK_HOST', `removing the rules of network ${n.name} failed`, {
        hint: 'check that iptables-save and iptables-restore work on this host, then remove the network again',
      });
    }
  }

  /** The host's subnets and those of this berthd's networks (some may have no bridge yet, or one still going). */
  private async takenSubnets(): Promise<Cidr[]> {
    const own = this.store.records().flatMap((n) => (n.subnet ? [parseCidr(n.subnet) as Cidr] : []));
    return [...(await hostSubnets()), ...own];
  }
}

function noSubnet(): EngineError {
  return new EngineError(
    'unavailable',
    'ENGINE_NO_SUBNET',
    'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
    { hint: 'remove unused networks (docker network prune) or give the network a subnet' },
  );
}
