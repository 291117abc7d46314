// berthd networks against Debian's dockerd, in the same run, interleaved round by round: (1) `POST /networks/create`
// and `POST /networks/{id}/connect` of a running container; (2) DNS lookups inside a container, against the server
// its /etc/resolv.conf names (berthd: aardvark-dns on the network gateway; dockerd: its embedded 127.0.0.11);
// (3) HTTP download of a file from busybox httpd, from the host, through a port published on 127.0.0.1 and to the
// container's address directly.
// Run from the repository root, as root: npm run build && npm run bench:networks
// (RUNS=15, SIZE_MIB=64, LOOKUPS=50; DOCKER_PROXY=iptables runs dockerd with --userland-proxy=false).
// Traffic goes only to loopback and to the bridges this script makes: every container gets Dns 127.0.0.1 as its
// upstream, so that a name neither resolver knows is never forwarded off the host. dockerd runs with its own data
// root, exec-root and socket, and --iptables=true --bridge=none --ip-forward=false --ip-masq=false; at the end every
// iptables rule and chain it added (iptables-save before and after) is deleted, and the leftovers are reported.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxSaveTar } from '../test/engine/fixtures/busybox-image.js';
import { median, ms, ok, sleep, startDockerd as startDockerdProcess, waitForSocket, removeBenchDir } from './lib.js';

const RUNS = Number(process.env.RUNS ?? 15);
const WARMUP = 2;
const SIZE_MIB = Number(process.env.SIZE_MIB ?? 64);
const LOOKUPS = Number(process.env.LOOKUPS ?? 50);
const USERLAND_PROXY = process.env.DOCKER_PROXY !== 'iptables';
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-net-'));
const tag = `bnb-${process.pid}`;
const image = `${tag}/busybox:1`;
const V = '/v1.41';

/** One daemon under test, with what it made on the host (for the leftovers check). */
interface Engine {
  name: 'berthd' | 'dockerd';
  socket: string;
  process: ChildProcess;
  port: number;
  bridges: Set<string>;
  subnets: Set<string>;
  srvIp: string;
  resolver: string;
}

interface Figures {
  create: number[];
  connect: number[];
  createConnect: number[];
  lookup: number[];
  spawnFloor: number[];
  published: number[];
  direct: number[];
}

async function okJson<T = unknown>(socket: string, method: string, path: string, body?: unknown): Promise<T> {
  const text = await ok(socket, method, `${V}${path}`, body);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A free TCP port on 127.0.0.1, to publish on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function newEngine(name: Engine['name'], socket: string, child: ChildProcess, port: number): Engine {
  return { name, socket, process: child, port, bridges: new Set(), subnets: new Set(), srvIp: '', resolver: '' };
}

async function startBerthd(): Promise<Engine> {
  const socket = join(dir, 'berth.sock');
  const child = spawn(process.execPath, [join(process.cwd(), 'bin/berthd.js')], {
    env: { ...process.env, BERTH_ROOT: join(dir, 'berth-root'), BERTH_SOCKET: socket },
    stdio: 'ignore',
  });
  await waitForSocket(socket, 'berthd');
  return newEngine('berthd', socket, child, await freePort());
}

async function startDockerd(): Promise<Engine> {
  const flags = ['--iptables=true', `--userland-proxy=${USERLAND_PROXY}`];
  const { socket, process: child } = await startDockerdProcess(dir, flags);
  return newEngine('dockerd', socket, child, await freePort());
}

async function stop(engine: Engine): Promise<void> {
  if (engine.process.exitCode !== null) return;
  const exited = new Promise((r) => engine.process.once('exit', r));
  engine.process.kill('SIGTERM');
  await exited;
}

/** iptables-save of the tables dockerd and netavark write, as lines: `*table`, `:CHAIN ...` and `-A ...`. */
type Tables = Map<string, { chains: Set<string>; rules: string[] }>;

function saveTables(): Tables {
  const out: Tables = new Map();
  let cur: { chains: Set<string>; rules: string[] } | undefined;
  for (const line of spawnSync('iptables-save', { encoding: 'utf8' }).stdout.split('\n')) {
    if (line.startsWith('*')) out.set(line.slice(1), (cur = { chains: new Set(), rules: [] }));
    else if (line.startsWith(':')) cur?.chains.add(line.slice(1).split(' ')[0] as string);
    else if (line.startsWith('-A ')) cur?.rules.push(line);
  }
  return out;
}

/** The rules and chains in `after` but not in `before` that name a DOCKER chain or one of `bridges`. */
function addedBy(before: Tables, after: Tables, bridges: ReadonlySet<string>) {
  const rules: Array<[string, string]> = [];
  const chains: Array<[string, string]> = [];
  const mine = (l: string): boolean => l.includes('DOCKER') || [...bridges].some((b) => l.includes(` ${b} `));
  for (const [table, t] of after) {
    const old = before.get(table);
    for (const r of t.rules) if (!old?.rules.includes(r) && mine(r)) rules.push([table, r]);
    for (const c of t.chains) if (!old?.chains.has(c) && c.includes('DOCKER')) chains.push([table, c]);
  }
  return { rules, chains };
}

/** Deletes what dockerd added (it leaves its DOCKER chains and their jumps at exit); returns what was deleted. */
function deleteAddedRules(before: Tables, after: Tables, bridges: ReadonlySet<string>): string[] {
  const { rules, chains } = addedBy(before, after, bridges);
  const done: string[] = [];
  // The saved line is shell-quoted (comments), so the shell splits it back into arguments.
  const ipt = (table: string, args: string): void => {
    const r = spawnSync('sh', ['-c', `iptables -w -t ${table} ${args}`], { encoding: 'utf8' });
    if (r.status === 0) done.push(`${table} ${args}`);
    else console.error(`iptables -t ${table} ${args}: ${r.stderr.trim()}`);
  };
  for (const [table, r] of rules) ipt(table, `-D ${r.slice(3)}`);
  for (const [table, c] of chains) ipt(table, `-F ${c}`);
  for (const [table, c] of chains) ipt(table, `-X ${c}`);
  return done;
}

/** Links, mounts and iptables lines of this run still on the host. */
function leftovers(engines: readonly Engine[], before: Tables): string[] {
  const bridges = new Set(engines.flatMap((e) => [...e.bridges]));
  const links = (JSON.parse(spawnSync('ip', ['-j', 'link']).stdout.toString()) as { ifname: string; master?: string }[])
    .filter((l) => bridges.has(l.ifname) || bridges.has(l.master ?? ''))
    .map((l) => `link ${l.ifname}`);
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(dir) || l.includes(tag))
    .map((l) => `mount ${l}`);
  // A subnet this run gave back may be another daemon's by now (routed to a bridge not ours): its rules are not ours.
  const routes = JSON.parse(spawnSync('ip', ['-j', 'route']).stdout.toString()) as { dst: string; dev: string }[];
  const reused = new Set(routes.filter((r) => !bridges.has(r.dev)).map((r) => r.dst));
  const marks = [
    ...[...bridges].map((b) => ` ${b} `),
    ...engines.flatMap((e) => [...[...e.subnets].filter((x) => !reused.has(x)), `--dport ${e.port} `]),
    'DOCKER',
  ];
  const after = saveTables();
  const rules: string[] = [];
  for (const [table, t] of after) {
    for (const r of t.rules) if (marks.some((m) => r.includes(m))) rules.push(`iptables ${table} ${r}`);
    for (const c of t.chains)
      if (c.includes('DOCKER') && !before.get(table)?.chains.has(c)) rules.push(`iptables ${table} chain ${c}`);
  }
  const procs = spawnSync('pgrep', ['-a', '-f', dir], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l && !l.includes('pgrep'))
    .map((l) => `process ${l}`);
  return [...links, ...mounts, ...rules, ...procs];
}

/** Creates network `name`; returns its id. */
async function createNetwork(e: Engine, name: string): Promise<string> {
  const { Id } = await okJson<{ Id: string }>(e.socket, 'POST', '/networks/create', {
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
  });
  return Id;
}

async function trackNetwork(e: Engine, id: string): Promise<void> {
  const n = await okJson<{
    Id: string;
    Options: Record<string, string>;
    IPAM: { Config: { Subnet: string }[] | null };
  }>(e.socket, 'GET', `/networks/${id}`);
  e.bridges.add(n.Options?.['com.docker.network.bridge.name'] ?? `br-${n.Id.slice(0, 12)}`);
  for (const c of n.IPAM.Config ?? []) e.subnets.add(c.Subnet);
}

/** The script the DNS control port runs: reads "server name", then LOOKUPS lookups (or spawns, for the floor). */
function lookupScript(): string {
  const seq = Array.from({ length: LOOKUPS }, (_, i) => i + 1).join(' ');
  return [
    'read server name',
    `if [ "$server" = floor ]; then for i in ${seq}; do /bin/echo >/dev/null; done; echo done; exit; fi`,
    `for i in ${seq}; do nslookup -type=a "$name" "$server" >/dev/null 2>&1 || echo fail; done`,
    'echo done',
  ].join('\n');
}

/** Loads the image, makes the base network and the three containers: srv (httpd + DNS control), peer, conn. */
async function prepare(e: Engine, tar: string): Promise<void> {
  execFileSync('docker', ['load', '-i', tar], {
    env: { ...process.env, DOCKER_HOST: `unix://${e.socket}` },
    stdio: 'ignore',
  });
  const base = `${tag}-base`;
  await trackNetwork(e, await createNetwork(e, base));
  const srvCmd =
    `mkdir -p /www && cp /etc/resolv.conf /www/resolv.conf && ` +
    `dd if=/dev/zero of=/www/big bs=1048576 count=${SIZE_MIB} 2>/dev/null && printf '%s\\n' "$LOOP" > /loop.sh && ` +
    `{ nc -ll -p 9000 -e /bin/sh /loop.sh & } && echo ok > /www/ready && exec httpd -f -p 80 -h /www`;
  const containers: Array<[string, string[], Record<string, unknown>]> = [
    ['srv', ['sh', '-c', srvCmd], { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(e.port) }] } }],
    ['peer', ['sleep', '3600'], {}],
    ['conn', ['sleep', '3600'], {}],
  ];
  for (const [role, cmd, host] of containers) {
    const { Id } = await okJson<{ Id: string }>(e.socket, 'POST', `/containers/create?name=${tag}-${role}`, {
      Image: image,
      Cmd: cmd,
      Env: [`LOOP=${lookupScript()}`],
      ExposedPorts: { '80/tcp': {} },
      Labels: { 'bench.berth': tag },
      HostConfig: { NetworkMode: base, Dns: ['127.0.0.1'], ...host },
      NetworkingConfig: { EndpointsConfig: { [base]: {} } },
    });
    await okJson(e.socket, 'POST', `/containers/${Id}/start`);
  }
  const srv = await okJson<{ NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }>(
    e.socket,
    'GET',
    `/containers/${tag}-srv/json`,
  );
  e.srvIp = srv.NetworkSettings.Networks[base]?.IPAddress ?? '';
  let ready = '';
  for (let i = 0; i < 100 && ready !== 'ok\n'; i++) {
    ready = curlText(`http://${e.srvIp}/ready`);
    if (ready !== 'ok\n') await sleep(100);
  }
  if (ready !== 'ok\n') throw new Error(`${e.name}: httpd in ${tag}-srv did not answer on ${e.srvIp}`);
  const resolv = curlText(`http://${e.srvIp}/resolv.conf`);
  e.resolver = /^nameserver\s+(\S+)/m.exec(resolv)?.[1] ?? '';
  if (!e.resolver) throw new Error(`${e.name}: no nameserver in the container's resolv.conf:\n${resolv}`);
  const first = await dnsLoop(e, e.resolver);
  if (first.includes('fail')) throw new Error(`${e.name}: nslookup ${tag}-peer ${e.resolver} failed`);
}

function curlText(url: string): string {
  const r = spawnSync('curl', ['-s', '--noproxy', '*', '--max-time', '3', url], { encoding: 'utf8' });
  return r.stdout ?? '';
}

/** Bytes per second of one download of the big file, timed by curl itself (its start-up is not counted). */
function download(url: string): number {
  const r = spawnSync(
    'curl',
    ['-s', '--noproxy', '*', '--max-time', '120', '-o', '/dev/null', '-w', '%{size_download} %{time_total}', url],
    { encoding: 'utf8' },
  );
  const [size, secs] = (r.stdout ?? '').split(' ').map(Number);
  if (r.status !== 0 || size !== SIZE_MIB * 2 ** 20) throw new Error(`curl ${url}: exit ${r.status}, ${r.stdout}`);
  return (size as number) / (secs as number);
}

/** Runs the lookup loop through the control port; resolves with its output once "done" arrives. */
function dnsLoop(e: Engine, server: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const s = connect({ host: e.srvIp, port: 9000 }, () => s.write(`${server} ${tag}-peer\n`));
    s.setTimeout(60_000, () => s.destroy(new Error(`${e.name}: DNS loop timed out`)));
    s.on('data', (c: Buffer) => (out += c.toString()));
    s.on('error', reject);
    s.on('close', () => (out.includes('done') ? resolve(out) : reject(new Error(`${e.name}: DNS loop: ${out}`))));
  });
}

async function round(e: Engine, f: Figures, i: number, keep: boolean): Promise<void> {
  const t0 = process.hrtime.bigint();
  const id = await createNetwork(e, `${tag}-r${i}`);
  const create = ms(t0);
  const t1 = process.hrtime.bigint();
  await okJson(e.socket, 'POST', `/networks/${id}/connect`, { Container: `${tag}-conn` });
  const conn = ms(t1);
  await trackNetwork(e, id);
  await okJson(e.socket, 'POST', `/networks/${id}/disconnect`, { Container: `${tag}-conn`, Force: true });
  await okJson(e.socket, 'DELETE', `/networks/${id}`);

  let t = process.hrtime.bigint();
  const out = await dnsLoop(e, e.resolver);
  const lookup = ms(t) / LOOKUPS;
  if (out.includes('fail')) throw new Error(`${e.name}: a lookup failed in round ${i}`);
  t = process.hrtime.bigint();
  await dnsLoop(e, 'floor');
  const floor = ms(t) / LOOKUPS;

  const urls = [`http://127.0.0.1:${e.port}/big`, `http://${e.srvIp}/big`];
  const order = i % 2 === 0 ? [0, 1] : [1, 0];
  const speed: number[] = [];
  for (const k of order) speed[k] = download(urls[k] as string) / 2 ** 20;
  if (!keep) return;
  f.create.push(create);
  f.connect.push(conn);
  f.createConnect.push(create + conn);
  f.lookup.push(lookup);
  f.spawnFloor.push(floor);
  f.published.push(speed[0] as number);
  f.direct.push(speed[1] as number);
}

/** Removes this run's containers and networks from `e`; errors are printed, not thrown (this runs on failure). */
async function clean(e: Engine): Promise<void> {
  try {
    const filters = encodeURIComponent(JSON.stringify({ label: [`bench.berth=${tag}`] }));
    const cs = await okJson<{ Id: string }[]>(e.socket, 'GET', `/containers/json?all=1&filters=${filters}`);
    for (const c of cs) await okJson(e.socket, 'DELETE', `/containers/${c.Id}?force=1`);
    const ns = await okJson<{ Id: string; Name: string }[]>(e.socket, 'GET', '/networks');
    for (const n of ns.filter((x) => x.Name.startsWith(tag))) await okJson(e.socket, 'DELETE', `/networks/${n.Id}`);
  } catch (err) {
    console.error(`cleaning ${e.name}: ${String(err)}`);
  }
}

function report(engines: Engine[], figures: Map<string, Figures>): void {
  console.log(
    `berthd networks benchmark: ${RUNS} rounds after ${WARMUP} warm-ups, interleaved; ${cpus().length} CPUs, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${SIZE_MIB} MiB file, ${LOOKUPS} lookups; ` +
      `dockerd published path: ${USERLAND_PROXY ? 'userland proxy (docker-proxy)' : 'iptables DNAT (--userland-proxy=false)'}`,
  );
  const rows: Array<[string, keyof Figures, string]> = [
    ['POST /networks/create', 'create', 'ms'],
    ['POST /networks/{id}/connect (running container)', 'connect', 'ms'],
    ['create + connect (per-round sum)', 'createConnect', 'ms'],
    ['DNS lookup inside a container (per lookup)', 'lookup', 'ms'],
    ['  floor: spawn of /bin/echo in the same loop', 'spawnFloor', 'ms'],
    ['download via 127.0.0.1:<published>', 'published', 'MiB/s'],
    ['download via <container IP>:80', 'direct', 'MiB/s'],
  ];
  console.log(['case', ...engines.map((e) => e.name), 'dockerd ÷ berthd'].join(' | '));
  for (const [label, key, unit] of rows) {
    const m = engines.map((e) => median((figures.get(e.name) as Figures)[key]));
    const ratio = m.length === 2 ? `${((m[1] as number) / (m[0] as number)).toFixed(2)}x` : '';
    console.log([label, ...m.map((x) => `${x.toFixed(x < 10 ? 2 : 1)} ${unit}`), ratio].join(' | '));
  }
  for (const e of engines) {
    const f = figures.get(e.name) as Figures;
    const ratios = f.published.map((p, i) => p / (f.direct[i] as number));
    console.log(
      `${e.name}: resolver ${e.resolver}; published ÷ direct ${(median(f.published) / median(f.direct)).toFixed(2)} ` +
        `(median of per-round ratios ${median(ratios).toFixed(2)}, range ${Math.min(...ratios).toFixed(2)}–` +
        `${Math.max(...ratios).toFixed(2)})`,
    );
  }
}

async function main(): Promise<void> {
  const before = saveTables();
  const engines: Engine[] = [];
  try {
    engines.push(await startBerthd());
    if (spawnSync('dockerd', ['--version']).status === 0) engines.push(await startDockerd());
    else console.log('dockerd: not installed (apt-get install docker.io), so no peer figures in this run');
    const tar = join(dir, 'busybox.tar');
    writeFileSync(tar, await makeBusyboxSaveTar({ tags: [image] }));
    for (const e of engines) await prepare(e, tar);
    const figures = new Map<string, Figures>(
      engines.map((e) => [
        e.name,
        { create: [], connect: [], createConnect: [], lookup: [], spawnFloor: [], published: [], direct: [] },
      ]),
    );
    for (let i = 0; i < RUNS + WARMUP; i++) {
      const order = i % 2 === 0 ? engines : [...engines].reverse();
      for (const e of order) await round(e, figures.get(e.name) as Figures, i, i >= WARMUP);
    }
    report(engines, figures);
  } finally {
    for (const e of engines) await clean(e);
    for (const e of engines) await stop(e);
    await sleep(500);
    removeBenchDir(dir);
    const docker = engines.find((e) => e.name === 'dockerd');
    const deleted = deleteAddedRules(before, saveTables(), docker?.bridges ?? new Set());
    console.log(`iptables: deleted ${deleted.length} rules/chains dockerd added`);
    if (process.env.VERBOSE) for (const d of deleted) console.log(`  iptables -t ${d}`);
    const left = leftovers(engines, before);
    console.log(left.length === 0 ? 'leftovers: none (links, mounts, iptables)' : `LEFTOVERS:\n${left.join('\n')}`);
  }
}

await main();
