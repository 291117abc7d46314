// Leaving outside the network lock (leave.ts), as decisions on records: which containers may leave by deleting
// their interfaces, that one leaving counts as gone for every decision while its addresses stay taken, and that a
// network's last container torn down by netavark waits for the interfaces of those leaving; and, with a real
// namespace, that a leave runs after the exit and what waits for it (NetworkService.leaveEnded).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/engine/events/event-bus.js';
import { createNetns } from '../../../src/engine/networks/host-net.js';
import { canLeaveDirectly, startLeave } from '../../../src/engine/networks/leave.js';
import { NetworkService } from '../../../src/engine/networks/network-service.js';
import type { ActiveContainer, ActiveEndpoint, NetworkRecord } from '../../../src/engine/networks/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function service(): NetworkService {
  const root = mkdtempSync(join(tmpdir(), 'berth-leave-'));
  dirs.push(root);
  return new NetworkService({ root, events: new EventBus(), hostLock: join(root, 'host.lock') });
}

function endpoint(networkId: string, ip: string, ports: unknown[] = []): ActiveEndpoint {
  return {
    networkId,
    interfaceName: 'eth0',
    endpointId: ip,
    ip,
    prefixLen: 24,
    gateway: '10.1.0.1',
    mac: '02:42:0a:01:00:02',
    aliases: [],
    dnsServers: [],
    netavarkInput: JSON.stringify({ port_mappings: ports }),
  };
}

const net = (id: string, name: string, subnet: string): NetworkRecord => ({
  id,
  name,
  driver: 'bridge',
  created: '',
  internal: false,
  attachable: false,
  labels: {},
  options: {},
  ipamRequest: [],
  subnet,
  dnsEnabled: false,
});

const container = (id: string, ...endpoints: ActiveEndpoint[]): ActiveContainer => ({
  containerId: id,
  netns: `/nonexistent/${id}`,
  endpoints,
  published: [],
});

describe('leaving a network outside the lock', () => {
  it("is for containers without published ports, but not for the default network's last one", async () => {
    const s = service();
    await s.store.save(net('n1', 'one', '10.1.0.0/24'));
    await s.store.save(net('n2', 'two', '10.2.0.0/24'));
    await s.store.save(net('d', 'bridge', '10.3.0.0/24'));
    const a = container('a', endpoint('n1', '10.1.0.2'));
    const b = container('b', endpoint('n1', '10.1.0.3'), endpoint('n2', '10.2.0.3'));
    const p = container('p', endpoint('n1', '10.1.0.4', [{ host_port: 8080, container_port: 80 }]));
    const onDefault = container('o', endpoint('d', '10.3.0.2'));
    for (const c of [a, b, p, onDefault]) await s.store.saveActive(c);
    expect(canLeaveDirectly(s, a)).toBe(true); // others stay on n1
    expect(canLeaveDirectly(s, b)).toBe(true); // the last on n2, a user network: its rules stay with it
    expect(canLeaveDirectly(s, p)).toBe(false); // its DNAT rules are netavark's
    expect(canLeaveDirectly(s, onDefault)).toBe(false); // the default network gives its bridge up: under the lock
  });

  it('counts a leaving container as gone for decisions, and lets the last one wait for its interfaces', async () => {
    const s = service();
    const a = container('a', endpoint('n1', '10.1.0.2'));
    const b = container('b', endpoint('n1', '10.1.0.3'));
    for (const c of [a, b]) await s.store.saveActive(c);
    expect(s.usedByOthers('n1', 'b')).toBe(true);
    let gone = (): void => undefined;
    s.leaving.set('a', { gone: new Promise<void>((r) => (gone = r)), left: new Promise<void>(() => undefined) });
    expect(s.usedByOthers('n1', 'b')).toBe(false); // b is the last: it tears the network down
    expect(canLeaveDirectly(s, b)).toBe(false); // the last on n1, not a network of this store: netavark
    expect(s.usedByOthers('n1', undefined)).toBe(true); // b itself still counts
    expect(s.store.allActive().map((x) => x.containerId)).toContain('a'); // a's address stays taken
    let waited = false;
    const wait = s.leftFrom('n1').then(() => (waited = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(waited).toBe(false);
    expect(await Promise.race([s.leftFrom('n2').then(() => 'n2 has no one leaving'), wait])).toBe(
      'n2 has no one leaving',
    );
    gone();
    await wait;
    expect(waited).toBe(true);
  });

  it('runs after the exit: the record and the namespace go in the background, and leaveEnded waits for that', async () => {
    const s = service();
    const netns = s.store.netnsPath('a');
    await createNetns(netns);
    const a = { ...container('a', endpoint('n1', '10.1.0.2')), netns };
    const b = container('b', endpoint('n1', '10.1.0.3'));
    for (const c of [a, b]) await s.store.saveActive(c);
    expect(
      spawnSync('nsenter', [`--net=${netns}`, 'ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1'])
        .status,
    ).toBe(0);
    const logged: string[] = [];
    await s.local(async () => startLeave(s, a, (l) => logged.push(l)));
    expect(s.usedByOthers('n1', 'b')).toBe(false);
    expect(s.store.activeOf('a')).toBe(a); // its address stays taken until the leave ends
    await s.leaveEnded('a');
    expect(s.store.activeOf('a')).toBeUndefined();
    expect(mounted(netns)).toBe(false);
    expect(logged).toEqual([]);
    await s.leaveEnded(); // none under way: at once
  });

  it('leaves that start side by side end their namespaces together, and their pairs with them', async () => {
    const s = service();
    const tag = (process.pid % 0xffff).toString(16).padStart(4, '0');
    const leaves = ['c', 'd', 'e'].map((id, i) => {
      const e = { ...endpoint('n1', `10.1.0.${i + 2}`), hostInterface: `veth${tag}ee0${i}` };
      return { ...container(id, e), netns: s.store.netnsPath(id) };
    });
    const hostLinks = leaves.map((a) => a.endpoints[0]?.hostInterface as string);
    const linkThere = (name: string): boolean => spawnSync('ip', ['link', 'show', name]).status === 0;
    for (const a of leaves) {
      await createNetns(a.netns);
      const made = spawnSync(
        'ip',
        ['link', 'add', a.endpoints[0]?.hostInterface as string, 'type', 'veth'].concat([
          'peer',
          'name',
          'eth0',
          'netns',
          a.netns,
        ]),
      );
      expect(made.status, made.stderr.toString()).toBe(0);
      await s.store.saveActive(a);
    }
    const logged: string[] = [];
    try {
      await s.local(async () => {
        for (const a of leaves) startLeave(s, a, (l) => logged.push(l));
      });
      await s.leaveEnded();
      expect(hostLinks.filter(linkThere)).toEqual([]);
      expect(leaves.filter((a) => mounted(a.netns))).toEqual([]);
      expect(leaves.map((a) => s.store.activeOf(a.containerId))).toEqual([undefined, undefined, undefined]);
      expect(logged).toEqual([]);
    } finally {
      for (const name of hostLinks) spawnSync('ip', ['link', 'del', name]);
      for (const a of leaves) if (mounted(a.netns)) spawnSync('umount', [a.netns]);
    }
  });

  it('a namespace something else holds delays its own leave, which then deletes its pair by name, and no other', async () => {
    const s = service();
    const tag = ((process.pid + 7) % 0xffff).toString(16).padStart(4, '0');
    const leaves = ['f', 'g'].map((id, i) => {
      const e = { ...endpoint('n1', `10.1.0.${i + 12}`), hostInterface: `veth${tag}ef0${i}` };
      return { ...container(id, e), netns: s.store.netnsPath(id) };
    });
    const [held, free] = leaves as [ActiveContainer, ActiveContainer];
    const linkThere = (name: string): boolean => spawnSync('ip', ['link', 'show', name]).status === 0;
    for (const a of leaves) {
      await createNetns(a.netns);
      const host = a.endpoints[0]?.hostInterface as string;
      const made = spawnSync('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', a.netns]);
      expect(made.status, made.stderr.toString()).toBe(0);
      await s.store.saveActive(a);
    }
    // a process in `held`'s namespace keeps it (and its pair) after the namespace file is unmounted
    const holder = spawn('nsenter', [`--net=${held.netns}`, 'sleep', '30'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 100));
    try {
      const t0 = Date.now();
      await s.local(async () => {
        for (const a of leaves) startLeave(s, a, () => undefined);
      });
      await s.leaveEnded(free.containerId);
      const freeMs = Date.now() - t0;
      expect(freeMs).toBeLessThan(1500); // not held up by the other one's 2 s
      expect(linkThere(free.endpoints[0]?.hostInterface as string)).toBe(false);
      expect(linkThere(held.endpoints[0]?.hostInterface as string)).toBe(true);
      await s.leaveEnded(held.containerId);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
      expect(linkThere(held.endpoints[0]?.hostInterface as string)).toBe(false); // deleted by name
      expect(s.store.activeOf(held.containerId)).toBeUndefined();
    } finally {
      holder.kill('SIGKILL');
      for (const a of leaves) spawnSync('ip', ['link', 'del', a.endpoints[0]?.hostInterface as string]);
      for (const a of leaves) if (mounted(a.netns)) spawnSync('umount', [a.netns]);
    }
  });

  it('keeps the record of a leave whose namespace cannot be removed, and still ends the wait for it', async () => {
    const s = service();
    const dir = mkdtempSync(join(tmpdir(), 'berth-leave-busy-'));
    dirs.push(dir);
    // a folder with a file in it stands for a namespace that cannot be removed (rmSync without recursive fails)
    const netns = join(dir, 'ns');
    mkdirSync(netns);
    writeFileSync(join(netns, 'x'), '');
    const a = { ...container('a', endpoint('n1', '10.1.0.2')), netns };
    await s.store.saveActive(a);
    const logged: string[] = [];
    await s.local(async () => startLeave(s, a, (l) => logged.push(l)));
    await s.leaveEnded();
    expect(s.store.activeOf('a')).toBe(a); // for the next sweep
    expect(s.leaving.has('a')).toBe(false);
    expect(logged.join('\n')).toContain('leaving the networks of a');
  });
});

function mounted(path: string): boolean {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === path);
}
