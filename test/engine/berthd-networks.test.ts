// berthd's networks, driven by the real docker CLI: user bridges through netavark, DNS by name (berthd's name server)
// and alias, isolation between networks, internal networks, published ports on loopback. Traffic goes only to
// loopback and to the bridges and namespaces this file makes (every container uses --dns 127.0.0.1, so that no
// name is ever forwarded off the host). Afterwards nothing of it is left: links, mounts, iptables rules, bridges in the isolation table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import type { DockerResult } from './docker-cli.js';
import { runDocker } from './docker-cli.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { isolatedBridges } from '../../src/engine/networks/isolation.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';
import { until } from '../until.js';

const hasTools = ['runc', 'docker', '/usr/lib/podman/netavark', 'iptables-save'].every(
  (t) => spawnSync(t, ['--version']).status === 0,
);

/** The marks a network leaves on the host: its Linux bridge and its subnet (in routes and iptables rules). */
interface Footprint {
  bridges: Set<string>;
  subnets: Set<string>;
  ports: Set<string>;
}

/** Lines of this file's networks still on the host: links, mounts under `dir`, iptables rules, isolated bridges. */
async function leftovers(dir: string, mine: Footprint): Promise<string[]> {
  const links = (JSON.parse(spawnSync('ip', ['-j', 'link']).stdout.toString()) as { ifname: string; master?: string }[])
    .filter((l) => mine.bridges.has(l.ifname) || mine.bridges.has(l.master ?? ''))
    .map((l) => `link ${l.ifname}`);
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(dir));
  // A subnet this file gave back (the default bridge's) may be another berthd's by now: its rules are not ours.
  const routes = JSON.parse(spawnSync('ip', ['-j', 'route']).stdout.toString()) as { dst: string; dev: string }[];
  const reused = new Set(routes.filter((r) => !mine.bridges.has(r.dev)).map((r) => r.dst));
  const subnets = [...mine.subnets].filter((s) => !reused.has(s));
  const marks = [...mine.bridges, ...subnets, ...[...mine.ports].map((p) => `--dport ${p} `)];
  const rules = spawnSync('iptables-save')
    .stdout.toString()
    .split('\n')
    .filter((l) => marks.some((m) => l.includes(m)));
  const isolated = (await isolatedBridges()).filter((b) => mine.bridges.has(b)).map((b) => `nft element ${b}`);
  return [...links, ...mounts, ...rules, ...isolated];
}

describe.runIf(hasTools)('berthd networks with the docker CLI as client', () => {
  let daemon: Berthd;
  let dir: string;
  const mine: Footprint = { bridges: new Set(), subnets: new Set(), ports: new Set() };
  /** Notes the bridge and subnet of `network` for the leftovers test. */
  const track = async (network: string): Promise<void> => {
    const n = JSON.parse((await docker('network', 'inspect', network)).stdout) as {
      Id: string;
      Options: Record<string, string>;
      IPAM: { Config: { Subnet: string }[] };
    }[];
    for (const x of n) {
      mine.bridges.add(x.Options['com.docker.network.bridge.name'] ?? `br-${x.Id.slice(0, 12)}`);
      for (const c of x.IPAM.Config) mine.subnets.add(c.Subnet);
    }
  };
  const tag = `bnet-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const netA = `${tag}-a`;
  const netB = `${tag}-b`;
  const netI = `${tag}-i`;
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(daemon.socket, args);
  const inspect = async <T>(what: string, format: string): Promise<T> =>
    JSON.parse((await docker('inspect', '--format', `{{json ${format}}}`, what)).stdout) as T;
  /** A busybox httpd answering `body` on port 80, also when started again. */
  const httpd = (body: string): string[] => [
    'sh',
    '-c',
    `mkdir -p /www && echo ${body} > /www/index.html && exec httpd -f -p 80 -h /www`,
  ];
  /** wget from a new container on `network`; `tries` > 1 waits for a server that is still starting. */
  const fetch = async (network: string, url: string, tries = 1): Promise<{ stdout: string; code: number }> => {
    const script = `for i in $(seq ${tries}); do timeout 3 wget -q -O - ${url} && exit 0; sleep 0.3; done; exit 1`;
    return docker('run', '--rm', '--network', network, '--dns', '127.0.0.1', image, 'sh', '-c', script);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-net-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    await docker('load', '-i', join(dir, 'busybox.tar'));
  }, 60_000);

  afterAll(async () => {
    const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await docker('rm', '-f', ...ids);
    for (const n of [netA, netB, netI]) await docker('network', 'rm', n);
    await daemon?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('docker network create, ls and inspect show a user network with its subnet, gateway and labels', async () => {
    const r = await docker('network', 'create', '--label', 'com.example.net=a', netA);
    expect(r.code, r.stderr).toBe(0);
    await track(netA);
    const ls = await docker(
      'network',
      'ls',
      '--filter',
      'label=com.example.net=a',
      '--format',
      '{{.Name}} {{.Driver}}',
    );
    expect(ls.stdout.trim()).toBe(`${netA} bridge`);
    const all = (await docker('network', 'ls', '--format', '{{.Name}}')).stdout.split('\n');
    expect(all).toEqual(expect.arrayContaining(['bridge', 'host', 'none', netA]));
    const n = JSON.parse((await docker('network', 'inspect', netA)).stdout) as {
      Id: string;
      Driver: string;
      IPAM: { Config: { Subnet: string; Gateway: string }[] };
    }[];
    expect(n[0]?.Driver).toBe('bridge');
    expect(n[0]?.IPAM.Config[0]?.Subnet).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    const links = JSON.parse(spawnSync('ip', ['-j', 'link']).stdout.toString()) as { ifname: string }[];
    expect(links.map((l) => l.ifname)).toContain(`br-${n[0]?.Id.slice(0, 12)}`);
    expect((await docker('network', 'create', netA)).stderr).toContain(`network with name ${netA} already exists`);
    expect((await docker('network', 'create', '-d', 'overlay', `${tag}-x`)).stderr).toContain('not supported');
  });

  it('two containers on one network reach each other over TCP by container name and by alias', async () => {
    const run1 = await docker(
      'run', '-d', '--name', `${tag}-srv`, '--network', netA, '--network-alias', 'web', '--dns', '127.0.0.1',
      image, ...httpd('hello-a'),
    ); // prettier-ignore
    expect(run1.code, run1.stderr).toBe(0);
    expect((await fetch(netA, `http://${tag}-srv/`, 10)).stdout).toBe('hello-a\n');
    expect((await fetch(netA, 'http://web/')).stdout).toBe('hello-a\n');
    const settings = await inspect<{ Networks: Record<string, { IPAddress: string; Aliases: string[] }> }>(
      `${tag}-srv`,
      '.NetworkSettings',
    );
    expect(settings.Networks[netA]?.IPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(settings.Networks[netA]?.Aliases).toContain('web');
    const net = JSON.parse((await docker('network', 'inspect', netA)).stdout) as {
      Containers: Record<string, { Name: string; IPv4Address: string }>;
    }[];
    expect(Object.values(net[0]?.Containers ?? {}).map((c) => c.Name)).toContain(`${tag}-srv`);
  });

  it('a container on another network can neither resolve nor reach them', async () => {
    expect((await docker('network', 'create', netB)).code).toBe(0);
    await track(netB);
    const ip = (await inspect<Record<string, { IPAddress: string }>>(`${tag}-srv`, '.NetworkSettings.Networks'))[netA]
      ?.IPAddress;
    expect((await fetch(netB, `http://${tag}-srv/`)).code).not.toBe(0);
    expect((await fetch(netB, `http://${ip}/`)).code).not.toBe(0);
  });

  it('an internal network has no default route and no way to another network', async () => {
    expect((await docker('network', 'create', '--internal', netI)).code).toBe(0);
    await track(netI);
    const routes = await docker('run', '--rm', '--network', netI, '--dns', '127.0.0.1', image, 'ip', 'route');
    expect(routes.code, routes.stderr).toBe(0);
    expect(routes.stdout).not.toContain('default');
    const gwA = (await inspect<Record<string, { Gateway: string }>>(`${tag}-srv`, '.NetworkSettings.Networks'))[netA]
      ?.Gateway;
    expect((await fetch(netI, `http://${gwA}/`)).code).not.toBe(0);
  });

  it('a port published on 127.0.0.1 answers from the host', async () => {
    const port = 20000 + (process.pid % 20000);
    const r = await docker(
      'run', '-d', '--name', `${tag}-pub`, '--dns', '127.0.0.1', '-p', `127.0.0.1:${port}:80`, image, ...httpd('published'),
    ); // prettier-ignore
    expect(r.code, r.stderr).toBe(0);
    await track('bridge');
    mine.ports.add(String(port));
    const ports = await inspect<Record<string, { HostIp: string; HostPort: string }[]>>(
      `${tag}-pub`,
      '.NetworkSettings.Ports',
    );
    expect(ports['80/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    let body = '';
    for (let i = 0; i < 20 && body === ''; i++) {
      body = spawnSync('busybox', ['wget', '-q', '-O', '-', `http://127.0.0.1:${port}/`], {
        timeout: 3000,
      }).stdout.toString();
      if (body === '') await new Promise((res) => setTimeout(res, 200));
    }
    expect(body).toBe('published\n');
    expect((await docker('ps', '--format', '{{.Ports}}', '--filter', `name=${tag}-pub`)).stdout).toContain(
      `127.0.0.1:${port}->80/tcp`,
    );
    await docker('rm', '-f', `${tag}-pub`);
    // Published on every address (no host IP): loopback reaches it too (netavark sets route_localnet).
    const all = await docker(
      'run',
      '-d',
      '--name',
      `${tag}-pub2`,
      '-p',
      `${port + 1}:80`,
      image,
      ...httpd('everywhere'),
    );
    expect(all.code, all.stderr).toBe(0);
    mine.ports.add(String(port + 1));
    let body2 = '';
    for (let i = 0; i < 20 && body2 === ''; i++) {
      const url = `http://127.0.0.1:${port + 1}/`;
      body2 = spawnSync('busybox', ['wget', '-q', '-O', '-', url], { timeout: 3000 }).stdout.toString();
      if (body2 === '') await new Promise((res) => setTimeout(res, 200));
    }
    expect(body2).toBe('everywhere\n');
    await docker('rm', '-f', `${tag}-pub2`);
  });

  it('replicas that share an alias all resolve under it', async () => {
    for (const i of [1, 2]) {
      const r = await docker(
        'run',
        '-d',
        '--name',
        `${tag}-rr${i}`,
        '--network',
        netA,
        '--network-alias',
        'rr',
        image,
        'sleep',
        '60',
      );
      expect(r.code, r.stderr).toBe(0);
    }
    const ips = await Promise.all(
      [1, 2].map(
        async (i) =>
          (await inspect<Record<string, { IPAddress: string }>>(`${tag}-rr${i}`, '.NetworkSettings.Networks'))[netA]
            ?.IPAddress,
      ),
    );
    const look = await docker(
      'run',
      '--rm',
      '--network',
      netA,
      '--dns',
      '127.0.0.1',
      image,
      'nslookup',
      '-type=a',
      'rr',
    );
    for (const ip of ips) expect(look.stdout).toContain(`Address: ${ip}`);
    await docker('rm', '-f', `${tag}-rr1`, `${tag}-rr2`);
  });

  it('DNS forgets a container once it is removed', async () => {
    const name = `${tag}-gone`;
    expect(
      (await docker('run', '-d', '--name', name, '--network', netA, '--dns', '127.0.0.1', image, 'sleep', '60')).code,
    ).toBe(0);
    const look = (): Promise<{ code: number; stdout: string }> =>
      docker('run', '--rm', '--network', netA, '--dns', '127.0.0.1', image, 'nslookup', name);
    expect((await look()).code).toBe(0);
    await docker('rm', '-f', name);
    expect((await look()).code).not.toBe(0);
  });

  it('containers join and leave a network side by side; its rules come and go with the network', async () => {
    const netL = `${tag}-l`;
    expect((await docker('network', 'create', netL)).code).toBe(0);
    await track(netL);
    const [bridge] = [...mine.bridges].filter((b) => b.startsWith('br-')).slice(-1);
    const subnet = [...mine.subnets].at(-1) as string;
    const members = (): string[] =>
      (JSON.parse(spawnSync('ip', ['-j', 'link']).stdout.toString()) as { ifname: string; master?: string }[])
        .filter((l) => l.master === bridge)
        .map((l) => l.ifname);
    const rules = (): string[] =>
      spawnSync('iptables-save')
        .stdout.toString()
        .split('\n')
        .filter((l) => l.includes(subnet));
    // made with the network, as dockerd makes them, before any container
    expect(rules().length).toBeGreaterThan(0);
    const srv = `${tag}-lsrv`;
    const run = await docker(
      'run',
      '-d',
      '--name',
      srv,
      '--network',
      netL,
      '--dns',
      '127.0.0.1',
      image,
      ...httpd('stay'),
    );
    expect(run.code, run.stderr).toBe(0);
    const names = Array.from({ length: 8 }, (_, i) => `${tag}-l${i}`);
    const runs = await Promise.all(
      names.map((name) =>
        docker('run', '-d', '--name', name, '--network', netL, '--dns', '127.0.0.1', image, 'sleep', '600'),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(members()).toHaveLength(9);
    // joined side by side, each has its own working link to the server
    const got = await Promise.all(names.map((name) => docker('exec', name, 'wget', '-q', '-O', '-', `http://${srv}/`)));
    expect(got.map((r) => r.stdout)).toEqual(names.map(() => 'stay\n'));
    const [stopped, joined] = await Promise.all([
      docker('stop', '-t', '0', ...names),
      fetch(netL, `http://${srv}/`, 10),
    ]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(joined.stdout).toBe('stay\n');
    // a stop returns before its interface is deleted (the kernel takes 15-30 ms for each); they go right after
    const onlyServer = await until('the links of the stopped 8 to go', async () =>
      members().length === 1 ? members() : undefined,
    );
    expect(onlyServer).toHaveLength(1); // the server's; the 8 and the joining one are gone
    expect(rules().length).toBeGreaterThan(0);
    // a start right after the stop waits for the container's last interface to go, and gets a working one
    expect((await docker('start', ...names)).code).toBe(0);
    expect((await docker('exec', names[0] as string, 'wget', '-q', '-O', '-', `http://${srv}/`)).stdout).toBe('stay\n');
    // the server and the 8 leave together: no link stays, and the rules stay with the network
    const kept = rules();
    expect((await docker('stop', '-t', '0', srv, ...names)).code).toBe(0);
    await until('every link on the bridge to go', async () => (members().length === 0 ? true : undefined));
    expect(rules()).toEqual(kept);
    // and the network comes back whole for the next ones
    expect((await docker('start', srv, names[0] as string)).code).toBe(0);
    expect((await fetch(netL, `http://${srv}/`, 10)).stdout).toBe('stay\n');
    // a network removed right after its last container stopped: its leave, still going, does not stand in the way
    expect((await docker('stop', '-t', '0', srv, names[0] as string)).code).toBe(0);
    const removed = await docker('network', 'rm', netL);
    expect(removed.code, removed.stderr).toBe(0);
    expect(members()).toEqual([]);
    // they go with the network, in the section right after its removal's answer
    expect(await until('the rules to go with the network', async () => (rules().length === 0 ? true : undefined))).toBe(
      true,
    );
    expect((await docker('rm', srv, ...names)).code).toBe(0);
  });

  it('docker network rm of a network in use fails clearly', async () => {
    const r = await docker('network', 'rm', netA);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('has active endpoints');
  });

  it('docker network connect and disconnect work on a running container', async () => {
    expect((await docker('network', 'connect', '--alias', 'late', netB, `${tag}-srv`)).code).toBe(0);
    expect((await fetch(netB, 'http://late/', 5)).stdout).toBe('hello-a\n');
    expect((await docker('network', 'disconnect', netB, `${tag}-srv`)).code).toBe(0);
    expect((await fetch(netB, 'http://late/')).code).not.toBe(0);
  });

  it('a static address, extra hosts and DNS options reach the container and its /etc files', async () => {
    const netS = `${tag}-s`;
    const third = 20 + (process.pid % 200);
    const r = await docker(
      'network',
      'create',
      '--subnet',
      `10.213.${third}.0/24`,
      '--ip-range',
      `10.213.${third}.128/25`,
      netS,
    );
    expect(r.code, r.stderr).toBe(0);
    await track(netS);
    const files = await docker(
      'run', '--rm', '--network', netS, '--ip', `10.213.${third}.77`, '--hostname', 'static1', '--add-host', 'db.example:10.1.2.3',
      '--dns', '127.0.0.1', '--dns-search', 'example.test', '--dns-option', 'ndots:1', image,
      'sh', '-c', 'ip -4 addr show eth0; cat /etc/hosts /etc/resolv.conf',
    ); // prettier-ignore
    expect(files.code, files.stderr).toBe(0);
    expect(files.stdout).toContain(`inet 10.213.${third}.77/24`);
    expect(files.stdout).toContain('10.1.2.3\tdb.example');
    expect(files.stdout).toContain(`10.213.${third}.77\tstatic1`);
    expect(files.stdout).toContain(`nameserver 10.213.${third}.1\nsearch example.test\noptions ndots:1`);
    const dynamic = await docker('run', '--rm', '--network', netS, image, 'ip', '-4', 'addr', 'show', 'eth0');
    expect(dynamic.stdout).toContain(`inet 10.213.${third}.128/24`);
    const outside = await docker('run', '--rm', '--network', netS, '--ip', '10.99.99.9', image, 'true');
    expect(outside.stderr).toContain("does not belong to any of this network's subnets");
    expect((await docker('network', 'rm', netS)).code).toBe(0);
  });

  it('network modes host, none and container:<name> share or withhold namespaces as Docker does', async () => {
    const host = await docker('run', '--rm', '--network', 'host', image, 'ip', 'link');
    // The host's first non-loopback link, with its MAC, is there: the namespace is the host's.
    const links = JSON.parse(spawnSync('ip', ['-j', 'link']).stdout.toString()) as {
      ifname: string;
      address: string;
    }[];
    const first = links.find((l) => l.ifname !== 'lo');
    expect(host.stdout).toContain(`${first?.ifname}:`);
    expect(host.stdout).toContain(first?.address);
    const none = await docker('run', '--rm', '--network', 'none', image, 'ip', 'link');
    expect(none.stdout.split('\n').filter((l) => /^\d+:/.test(l))).toHaveLength(1);
    const shared = await docker(
      'run', '--rm', '--network', `container:${tag}-srv`, image, 'sh', '-c', 'timeout 3 wget -q -O - http://127.0.0.1/',
    ); // prettier-ignore
    expect(shared.stdout).toBe('hello-a\n');
  });

  it('emits network create, connect, disconnect and destroy events', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const netE = `${tag}-e`;
    expect((await docker('network', 'create', netE)).code).toBe(0);
    await track(netE);
    await docker('run', '--rm', '--network', netE, image, 'true');
    expect((await docker('network', 'rm', netE)).code).toBe(0);
    const until = String(Math.ceil(Date.now() / 1000) + 1);
    const events = await docker(
      'events', '--since', since, '--until', until, '--filter', 'type=network', '--format', '{{.Action}} {{.Actor.Attributes.name}}',
    ); // prettier-ignore
    const mine = events.stdout.split('\n').filter((l) => l.endsWith(` ${netE}`));
    expect(mine).toEqual([`create ${netE}`, `connect ${netE}`, `disconnect ${netE}`, `destroy ${netE}`]);
  });

  it('docker network prune removes unused user networks and keeps used and predefined ones', async () => {
    const netP = `${tag}-p`;
    expect((await docker('network', 'create', '--label', `prune=${tag}`, netP)).code).toBe(0);
    await track(netP);
    const r = await docker('network', 'prune', '-f', '--filter', `label=prune=${tag}`);
    expect(r.stdout).toContain(netP);
    const left = (await docker('network', 'ls', '--format', '{{.Name}}')).stdout.split('\n');
    expect(left).toEqual(expect.arrayContaining(['bridge', 'host', 'none', netA]));
    expect(left).not.toContain(netP);
  });

  it('a running container keeps its network over a berthd restart, and is torn down after it', async () => {
    await daemon.close();
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    expect((await fetch(netA, `http://${tag}-srv/`, 5)).stdout).toBe('hello-a\n');
    expect((await docker('rm', '-f', `${tag}-srv`)).code).toBe(0);
  });

  it('leaves no bridge, veth, namespace mount or iptables rule behind', async () => {
    const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) expect((await docker('rm', '-f', ...ids)).code).toBe(0);
    for (const n of [netA, netB, netI]) expect((await docker('network', 'rm', n)).code).toBe(0);
    expect(mine.bridges.size).toBeGreaterThanOrEqual(4);
    // a removal answers once the network is gone for clients; its bridge and rules go in the section right after
    await until(
      'the networks to be torn down',
      async () => ((await leftovers(dir, mine)).length === 0 ? true : undefined),
      5000,
    );
    expect(await leftovers(dir, mine)).toEqual([]);
    expect(readdirSync(join(daemon.root, 'networks', 'netns'))).toEqual([]);
  });
});
