// berthd's own veth pair for a container joining a network that is already up (veth.ts): the ip(8) scripts as
// data, then real pairs on a real bridge between two namespaces, which reach each other over TCP, and deleting the
// interface from inside the namespace removes both ends. Needs root, ip and nsenter.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createBridge,
  createNetns,
  deleteLink,
  hostSubnets,
  removeNetns,
  withHostLock,
} from '../../../src/engine/networks/host-net.js';
import { defaultGateway, formatIp, pickSubnet } from '../../../src/engine/networks/ipam.js';
import {
  addVeth,
  containerMac,
  deleteHostLinks,
  deleteInterface,
  newHostName,
  vethScripts,
} from '../../../src/engine/networks/veth.js';

const canRun =
  process.getuid?.() === 0 && ['ip', 'nsenter', 'unshare'].every((t) => spawnSync(t, ['-V']).error === undefined);

const plan = {
  hostName: 'vethab12cd34',
  netns: '/data/networks/netns/c1',
  interfaceName: 'eth0',
  bridge: 'br-0123456789ab',
  ip: '10.89.3.7',
  prefixLen: 24,
  gateway: '10.89.3.1',
  mac: '02:42:0a:59:03:07',
  internal: false,
};

describe('veth scripts', () => {
  it('puts one end on the bridge and addresses the other inside the namespace, with the default route', () => {
    const { host, inside } = vethScripts(plan);
    expect(host).toBe(
      'link add vethab12cd34 type veth peer name eth0 netns /data/networks/netns/c1\n' +
        'link set vethab12cd34 master br-0123456789ab up\n',
    );
    expect(inside).toBe(
      'link set lo up\nlink set eth0 address 02:42:0a:59:03:07\naddr add 10.89.3.7/24 dev eth0\nlink set eth0 up\n' +
        'route add default via 10.89.3.1 dev eth0 proto static metric 100\n',
    );
  });

  it('gives an internal network no default route, and the MTU to both ends', () => {
    const { host, inside } = vethScripts({ ...plan, internal: true, mtu: 1400 });
    expect(inside).not.toContain('route');
    expect(host.split('\n')[0]).toBe(
      'link add vethab12cd34 mtu 1400 type veth peer name eth0 mtu 1400 netns /data/networks/netns/c1',
    );
  });

  it('derives the link address from the IP, as dockerd 20.10 does, and names host ends uniquely', () => {
    expect(containerMac('172.17.0.2')).toBe('02:42:ac:11:00:02');
    const names = new Set(Array.from({ length: 50 }, newHostName));
    expect(names.size).toBe(50);
    for (const n of names) expect(n).toMatch(/^veth[0-9a-f]{8}$/);
  });
});

describe.runIf(canRun)('veth pairs on a real bridge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-veth-'));
  const bridge = `br-vt${process.pid.toString(16).slice(-6)}`;
  const ns = [join(dir, 'a'), join(dir, 'b')];

  afterAll(async () => {
    for (const p of ns) await removeNetns(p);
    await deleteLink(bridge);
    rmSync(dir, { recursive: true, force: true });
  });

  const inNs = (path: string, args: string[]): string => {
    const r = spawnSync('nsenter', [`--net=${path}`, ...args], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };

  it('connects two namespaces over the bridge, and deleting an interface inside removes its host end', async () => {
    // The subnet is chosen and held (by the bridge's address) under the lock berthds take for the same.
    const subnet = await withHostLock('/run/berth/networks.lock', async () => {
      const s = pickSubnet(await hostSubnets());
      if (!s) throw new Error('no free subnet');
      await createBridge({ name: bridge, gateway: formatIp(defaultGateway(s)), prefix: s.prefix });
      return s;
    });
    const gateway = formatIp(defaultGateway(subnet));
    const ips = [formatIp(subnet.base + 2), formatIp(subnet.base + 3)];
    const hostNames = [newHostName(), newHostName()];
    for (const [i, path] of ns.entries()) {
      await createNetns(path);
      await addVeth({
        ...plan,
        hostName: hostNames[i] as string,
        netns: path,
        bridge,
        ip: ips[i] as string,
        prefixLen: subnet.prefix,
        gateway,
        mac: containerMac(ips[i] as string),
      });
    }
    const link = JSON.parse(inNs(ns[1] as string, ['ip', '-j', 'addr', 'show', 'eth0'])) as {
      address: string;
      operstate: string;
      addr_info: { local: string; prefixlen: number }[];
    }[];
    expect(link[0]?.address).toBe(containerMac(ips[1] as string));
    expect(link[0]?.addr_info.map((a) => `${a.local}/${a.prefixlen}`)).toContain(`${ips[1]}/${subnet.prefix}`);
    expect(inNs(ns[1] as string, ['ip', 'route', 'show', 'default'])).toContain(`default via ${gateway} dev eth0`);
    const ports = JSON.parse(
      spawnSync('ip', ['-j', 'link', 'show', 'master', bridge], { encoding: 'utf8' }).stdout,
    ) as {
      ifname: string;
    }[];
    expect(ports.map((p) => p.ifname).sort()).toEqual([...hostNames].sort());

    // TCP from b to a listener in a.
    const server = spawn(
      'nsenter',
      [
        `--net=${ns[0]}`,
        process.execPath,
        '-e',
        `require('net').createServer((s)=>{s.end('hello from a');s.on('error',()=>{})}).listen(7070,()=>console.log('up'))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => server.stdout.once('data', resolve));
      const got = inNs(ns[1] as string, [
        process.execPath,
        '-e',
        `require('net').connect(7070,'${ips[0]}').on('data',(d)=>process.stdout.write(d))`,
      ]);
      expect(got).toBe('hello from a');
    } finally {
      server.kill();
    }

    expect(await deleteInterface(ns[1] as string, 'eth0')).toBe(true);
    expect(await deleteInterface(ns[1] as string, 'eth0')).toBe(true); // already gone is fine
    const left = JSON.parse(spawnSync('ip', ['-j', 'link', 'show', 'master', bridge], { encoding: 'utf8' }).stdout) as {
      ifname: string;
    }[];
    expect(left.map((p) => p.ifname)).toEqual([hostNames[0]]);
    expect(await deleteInterface(join(dir, 'no-such-namespace'), 'eth0')).toBe(false);
  });

  it('fails with the step that failed and leaves no host end when the namespace cannot take the interface', async () => {
    const name = newHostName();
    await expect(addVeth({ ...plan, hostName: name, netns: join(dir, 'missing'), bridge })).rejects.toThrow(
      /connecting veth[0-9a-f]{8} to br-vt/,
    );
    expect(spawnSync('ip', ['link', 'show', name]).status).not.toBe(0);
  });

  it("deletes pairs by their host's ends in one go; one already gone is no failure", async () => {
    const [a, b, gone] = [newHostName(), newHostName(), newHostName()];
    try {
      for (const name of [a, b]) {
        const r = spawnSync('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`]);
        expect(r.status, r.stderr.toString()).toBe(0);
      }
      expect(await deleteHostLinks([a, gone, b])).toEqual(new Set());
      for (const name of [a, `${a}p`, b, `${b}p`]) expect(spawnSync('ip', ['link', 'show', name]).status).not.toBe(0);
    } finally {
      for (const name of [a, b]) spawnSync('ip', ['link', 'del', name]);
    }
  });
});
