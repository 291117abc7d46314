// Network isolation that no one else's firewall rule can undo (issue 10): two user networks and the default bridge,
// an httpd on each, and wget between them must fail both ways while the same network, NAT to the outside (with its
// return traffic) and published ports keep working: as berthd leaves it, with FORWARD reordered or opened by an
// ACCEPT of our own at its top, with Debian's dockerd (iptables enabled) started in the middle, and over berthd
// restarts that migrate the old iptables chains and sweep bridges that are gone. Traffic goes only to the bridges
// and namespaces this file makes; afterwards nothing of it is left.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { isolatedBridges } from '../../src/engine/networks/isolation.js';
import type { DockerResult } from './docker-cli.js';
import { runDocker } from './docker-cli.js';
import { until } from '../until.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';
import type { Dockerd, Outside } from './host-firewall.js';
import { makeOutside, startDockerd } from './host-firewall.js';

const hasTools = ['runc', 'docker', 'dockerd', 'nft', '/usr/lib/podman/netavark'].every(
  (t) => spawnSync(t, ['--version']).status === 0,
);

function iptables(...args: string[]): { code: number; out: string } {
  const r = spawnSync('iptables', ['-w', '5', ...args]);
  return { code: r.status ?? 1, out: r.stdout.toString() };
}

describe.runIf(hasTools)('network isolation in berth’s own nftables table', () => {
  const pid = process.pid;
  const tag = `biso-${pid}`;
  const image = `${tag}/busybox:1`;
  const [netA, netB] = [`${tag}-a`, `${tag}-b`];
  const [srvA, peerA, srvB, srvD] = ['srv-a', 'peer-a', 'srv-b', 'srv-d'].map((n) => `${tag}-${n}`) as [
    string,
    string,
    string,
    string,
  ];
  const port = 20000 + (pid % 20000);
  const ghost = `bg${pid % 1_000_000}`; // a bridge that only the old iptables chains know
  const comment = `berth-iso-test-${pid}`;
  let dir: string;
  let daemon: Berthd;
  let outside: Outside | undefined;
  let dockerd: Dockerd | undefined;
  const ips: Record<string, string> = {};
  const bridges = new Set<string>();
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(daemon.socket, args);
  const restart = async (): Promise<void> => {
    await daemon.close();
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
  };

  // busybox's wget -T crashes (Debian's busybox-static 1.35): timeout(1) bounds a dropped connection instead.
  /** The body `from` gets from `url` ('' when refused or dropped), trying `tries` times for a starting server. */
  const get = async (from: string, url: string, tries = 1): Promise<string> => {
    const script = `for i in $(seq ${tries}); do timeout 3 wget -q -O - ${url} && exit 0; sleep 0.3; done; exit 1`;
    return (await docker('exec', from, 'sh', '-c', script)).stdout;
  };

  /** Every path that matters, tried at once: what answers, by path (paths that must answer get `tries`, for a loaded host). */
  const paths = async (tries = 3): Promise<Record<string, string>> => {
    const o = outside as Outside;
    const tried: [string, Promise<string>][] = [
      ['a -> a (same network)', get(peerA, `http://${ips[srvA]}/`, tries)],
      ['a -> b', get(srvA, `http://${ips[srvB]}/`)],
      ['b -> a', get(srvB, `http://${ips[srvA]}/`)],
      ['a -> default', get(srvA, `http://${ips[srvD]}/`)],
      ['default -> a', get(srvD, `http://${ips[srvA]}/`)],
      ['b -> default', get(srvB, `http://${ips[srvD]}/`)],
      ['default -> b', get(srvD, `http://${ips[srvB]}/`)],
      ['a -> outside (NAT)', get(srvA, `http://${o.ip}/`, tries)],
      ['b -> outside (NAT)', get(srvB, `http://${o.ip}/`, tries)],
      ['default -> outside (NAT)', get(srvD, `http://${o.ip}/`, tries)],
      [
        'outside -> published port of default',
        (async () => {
          for (let i = 0; i < tries; i++) {
            const r = await o.exec(['timeout', '3', 'wget', '-q', '-O', '-', `http://${o.hostIp}:${port}/`]);
            if (r.code === 0) return r.out;
            await new Promise((res) => setTimeout(res, 300));
          }
          return '';
        })(),
      ],
    ];
    return Object.fromEntries(await Promise.all(tried.map(async ([k, p]) => [k, await p] as const)));
  };
  const isolated = {
    'a -> a (same network)': 'srv-a\n',
    'a -> b': '',
    'b -> a': '',
    'a -> default': '',
    'default -> a': '',
    'b -> default': '',
    'default -> b': '',
    'a -> outside (NAT)': 'outside\n',
    'b -> outside (NAT)': 'outside\n',
    'default -> outside (NAT)': 'outside\n',
    'outside -> published port of default': 'srv-d\n',
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-iso-'));
    outside = makeOutside({ name: tag, veth: `bo${pid % 1_000_000}`, third: pid % 256, dir });
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    await docker('load', '-i', join(dir, 'busybox.tar'));
    for (const n of [netA, netB]) expect((await docker('network', 'create', n)).code).toBe(0);
    const placed: [string, string, string[]][] = [
      [srvA, netA, []],
      [peerA, netA, []],
      [srvB, netB, []],
      [srvD, 'bridge', ['-p', `${port}:80`]],
    ];
    for (const [name, net, extra] of placed) {
      const body = name.slice(tag.length + 1);
      const r = await docker(
        'run', '-d', '--name', name, '--network', net, '--dns', '127.0.0.1', ...extra, image,
        'sh', '-c', `mkdir /www && echo ${body} > /www/index.html && exec httpd -f -p 80 -h /www`,
      ); // prettier-ignore
      expect(r.code, r.stderr).toBe(0);
      const settings = JSON.parse(
        (await docker('inspect', '--format', '{{json .NetworkSettings.Networks}}', name)).stdout,
      ) as Record<string, { IPAddress: string; NetworkID: string }>;
      ips[name] = settings[net]?.IPAddress ?? '';
      bridges.add(`br-${settings[net]?.NetworkID.slice(0, 12)}`);
    }
  }, 120_000);

  afterAll(async () => {
    iptables('-D', 'FORWARD', '-m', 'comment', '--comment', comment, '-j', 'ACCEPT');
    await dockerd?.remove();
    if (daemon) {
      const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker('rm', '-f', ...ids);
      for (const n of [netA, netB]) await docker('network', 'rm', n);
      await daemon.close();
    }
    for (const link of [ghost, `bd${pid % 1_000_000}`]) spawnSync('ip', ['link', 'del', link]);
    await outside?.remove();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('puts every bridge, the default one included, in the table, which drops what crosses from one to another', async () => {
    expect(bridges.size).toBe(3);
    expect(await isolatedBridges()).toEqual(expect.arrayContaining([...bridges]));
    const table = spawnSync('nft', ['list', 'chain', 'inet', 'berth', 'forward']).stdout.toString();
    for (const b of bridges) expect(table).toContain(`iifname "${b}" oifname != "${b}" oifname @bridges`);
    expect(table).toContain('hook forward priority filter - 10; policy accept;');
  });

  it('networks cannot reach each other either way; the same network, NAT and published ports work', async () => {
    expect(await paths(20)).toEqual(isolated);
  }, 120_000);

  it('stays isolated with netavark’s FORWARD jump moved to the top', async () => {
    const jump = ['-m', 'comment', '--comment', 'netavark firewall plugin rules', '-j', 'NETAVARK_FORWARD'];
    expect(iptables('-C', 'FORWARD', ...jump).code).toBe(0);
    iptables('-D', 'FORWARD', ...jump);
    expect(iptables('-I', 'FORWARD', '1', ...jump).code).toBe(0);
    expect(iptables('-S', 'FORWARD').out.split('\n')[1]).toContain('NETAVARK_FORWARD');
    expect(await paths()).toEqual(isolated);
  }, 120_000);

  it('stays isolated with an ACCEPT of everything at the top of FORWARD', async () => {
    expect(iptables('-I', 'FORWARD', '1', '-m', 'comment', '--comment', comment, '-j', 'ACCEPT').code).toBe(0);
    try {
      expect(await paths()).toEqual(isolated);
    } finally {
      iptables('-D', 'FORWARD', '-m', 'comment', '--comment', comment, '-j', 'ACCEPT');
    }
  }, 120_000);

  it('stays isolated while Debian’s dockerd, started in the middle, rewrites FORWARD; it leaves nothing', async () => {
    const dockerBridge = `bd${pid % 1_000_000}`;
    const subnet = `198.19.${pid % 256}.0/24`;
    dockerd = await startDockerd({ dir: join(dir, 'dockerd'), tag: `${tag}-d`, marks: [dockerBridge, subnet] });
    const d = (...args: string[]): Promise<DockerResult> => runDocker((dockerd as Dockerd).socket, args);
    // A user network on dockerd puts its isolation jumps and ACCEPTs into FORWARD, as on a real host.
    const made = await d(
      'network', 'create', '--subnet', subnet, '-o', `com.docker.network.bridge.name=${dockerBridge}`, `${tag}-d`,
    ); // prettier-ignore
    expect(made.code, made.stderr).toBe(0);
    expect(iptables('-S', 'FORWARD').out).toContain('DOCKER-ISOLATION-STAGE-1');
    expect(await paths()).toEqual(isolated);
    await d('network', 'rm', `${tag}-d`);
    const failed = await dockerd.remove();
    dockerd = undefined;
    expect(failed).toEqual([]);
    spawnSync('ip', ['link', 'del', dockerBridge]); // dockerd 20.10 leaves a named bridge behind
    expect(spawnSync('ip', ['link', 'show', dockerBridge]).status).not.toBe(0);
    const rules = spawnSync('iptables-save').stdout.toString();
    expect(rules.split('\n').filter((l) => l.includes(dockerBridge) || l.includes(subnet))).toEqual([]);
    expect(await paths()).toEqual(isolated);
  }, 180_000);

  it('berthd start migrates the old iptables chains into the table and sweeps bridges that are gone', async () => {
    expect(spawnSync('ip', ['link', 'add', ghost, 'type', 'bridge']).status).toBe(0);
    iptables('-N', 'BERTH-ISOLATION-1');
    iptables('-N', 'BERTH-ISOLATION-2');
    for (const rule of [
      ['BERTH-ISOLATION-1', '-i', ghost, '-o', ghost, '-j', 'ACCEPT'],
      ['BERTH-ISOLATION-1', '-i', ghost, '!', '-o', ghost, '-j', 'BERTH-ISOLATION-2'],
      ['BERTH-ISOLATION-2', '-o', ghost, '-j', 'DROP'],
    ]) {
      expect(iptables('-A', ...rule).code).toBe(0);
    }
    if (iptables('-C', 'FORWARD', '-j', 'BERTH-ISOLATION-1').code !== 0)
      iptables('-A', 'FORWARD', '-j', 'BERTH-ISOLATION-1');
    await restart();
    expect(iptables('-S').out).not.toContain(ghost);
    expect(await isolatedBridges()).toEqual(expect.arrayContaining([ghost, ...bridges]));
    // A crash that left the ghost in the table: the next start drops what is no longer on the host.
    spawnSync('ip', ['link', 'del', ghost]);
    await restart();
    const now = await isolatedBridges();
    expect(now).not.toContain(ghost);
    expect(now).toEqual(expect.arrayContaining([...bridges]));
    expect(await paths()).toEqual(isolated);
  }, 180_000);

  it('leaves no bridge of its own in the table, and no rule of its own in iptables', async () => {
    const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
    expect((await docker('rm', '-f', ...ids)).code).toBe(0);
    for (const n of [netA, netB]) expect((await docker('network', 'rm', n)).code).toBe(0);
    // a removal answers once the network is gone for clients; its bridge and rules go in the section right after
    const linksOf = (): string[] =>
      (JSON.parse(spawnSync('ip', ['-j', 'link']).stdout.toString()) as { ifname: string }[])
        .map((l) => l.ifname)
        .filter((l) => bridges.has(l));
    const ours = async (): Promise<string[]> =>
      (await isolatedBridges())
        .filter((b) => bridges.has(b))
        .concat(linksOf(), iptables('-S').out.includes(comment) ? ['a rule'] : []);
    await until('the bridges and rules to go with their networks', async () =>
      (await ours()).length === 0 ? true : undefined,
    );
    const left = await isolatedBridges();
    expect(left.filter((b) => bridges.has(b) || b === ghost)).toEqual([]);
    expect(linksOf()).toEqual([]);
    expect(iptables('-S').out).not.toContain(comment);
    // With no berth bridge left on the host (none of other tests either), the table is gone.
    if (left.length === 0) expect(spawnSync('nft', ['list', 'table', 'inet', 'berth']).status).not.toBe(0);
  }, 60_000);
});
