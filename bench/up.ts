// `berth up` / `berth down` benchmark: berth on berthd, docker-compose 1.29.2 on Debian's dockerd, and berth on the
// same dockerd (so engine and CLI effects can be told apart), all in the same run, interleaved round by round.
// Run from the repository root, as root: npm run build && npm run bench:up
// Needs dockerd (apt-get install docker.io) and docker-compose (apt-get install --no-install-recommends
// docker-compose); without them those columns are left out and the output says so.
// Each daemon gets its own temporary data root and socket; dockerd runs with --bridge=none --iptables=false, so the
// stacks publish no ports. Every command is a whole process, as a user starts it, wrapped in GNU time for peak RSS.
// RUNS (default 15) measured rounds after 2 warm-ups; CASES=3,20,20i picks the stacks: a number is that many services
// in a depends_on chain, a number with `i` that many independent services (no depends_on).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxSaveTar } from '../test/engine/fixtures/busybox-image.js';
import { dockerEngineClient } from '../src/client/docker/client.js';
import { pingEngine } from '../src/client/endpoint.js';
import { type Daemon, median, startBerthd, startDockerd, stopProcess, removeBenchDir } from './lib.js';

const RUNS = Number(process.env.RUNS ?? 15);
const WARMUP = Number(process.env.WARMUP ?? 2);
/** A stack to measure: n services, in a depends_on chain or independent; `label` names it in the table. */
interface Case {
  n: number;
  chain: boolean;
  label: string;
}
const CASES: Case[] = (process.env.CASES ?? '3,20,20i').split(',').map((c) => {
  const n = Number.parseInt(c, 10);
  const chain = !c.endsWith('i');
  return { n, chain, label: chain ? `${n} services` : `${n} services, no depends_on` };
});
const SIZES = CASES.map((c) => c.n);
const TARGET_UNCHANGED_MS = 150;
const TARGET_RATIO_20 = 5;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-up-'));
const image = `bench-up-${process.pid}/busybox:1`;
const berthBin = join(process.cwd(), 'bin/berth.js');
const gnuTime =
  existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', '-o', '/dev/null', 'true']).status === 0;
let interrupted = false;
let firstColumn: Column | undefined;

/** One column: a CLI on an engine. `argv` builds the command line for a stack file and project. */
interface Column {
  name: string;
  daemon: Daemon;
  env: NodeJS.ProcessEnv;
  argv: (file: string, project: string, args: string[]) => string[];
  isBerth: boolean;
}

interface Sample {
  ms: number;
  rssKb?: number;
}

function withoutDockerHost(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  return env;
}

const hasCommand = (cmd: string, arg = '--version'): boolean => spawnSync(cmd, [arg]).status === 0;

/** Stack of n busybox services, a depends_on chain s02 -> s01 ... (or none), one named volume on s01, no ports. */
function writeStack({ n, chain }: Case): string {
  const lines = ['services:'];
  for (let i = 1; i <= n; i++) {
    const name = `s${String(i).padStart(2, '0')}`;
    lines.push(`  ${name}:`, `    image: ${image}`, '    command: ["sleep", "3600"]');
    if (i === 1) lines.push('    volumes:', '      - data:/data');
    else if (chain) lines.push('    depends_on:', `      - s${String(i - 1).padStart(2, '0')}`);
  }
  lines.push('volumes:', '  data: {}', '');
  const folder = join(dir, `stack-${n}${chain ? '' : 'i'}`);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'compose.yaml');
  writeFileSync(file, lines.join('\n'));
  return file;
}

/** Runs one command as a process; wall time around spawnSync, peak RSS from GNU time. Throws on a non-zero exit. */
function run(col: Column, argv: string[], what: string): Sample {
  const rssFile = join(dir, 'rss');
  const cmd = gnuTime ? ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...argv] : argv;
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0] as string, cmd.slice(1), { env: col.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (interrupted) throw new Error('interrupted');
  if (r.status !== 0) throw new Error(`${col.name}: ${what} exited ${r.status}: ${r.stderr.toString().slice(-2000)}`);
  const rssKb = gnuTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
  return { ms, rssKb };
}

type Key = string; // `${column}|${case}`
const samples = new Map<Key, Sample[]>();
const keep = (col: Column, label: string, s: Sample, measured: boolean): void => {
  if (!measured) return;
  const k = `${col.name}|${label}`;
  samples.set(k, [...(samples.get(k) ?? []), s]);
};

function project(col: Column, c: Case): string {
  return `bu${process.pid}-${c.n}${c.chain ? '' : 'i'}-${col.name.startsWith('berth on berthd') ? 'bb' : col.isBerth ? 'bd' : 'cd'}`;
}

function roundFor(col: Column, c: Case, file: string, measured: boolean): void {
  const { n, label } = c;
  const p = project(col, c);
  const timeout = col.isBerth ? ['-t', '0'] : ['--timeout', '0'];
  run(col, col.argv(file, p, ['down', '-v', ...timeout]), 'down -v (reset)');
  keep(col, `up -d, ${label}`, run(col, col.argv(file, p, ['up', '-d']), `up -d ${label}`), measured);
  keep(col, `unchanged up -d, ${label}`, run(col, col.argv(file, p, ['up', '-d']), `unchanged up ${label}`), measured);
  if (col.isBerth && c === CASES.find((x) => x.n === Math.max(...SIZES))) {
    // Breakdown of the unchanged up, each step a whole process: Node's start-up alone; start + loading the bundled CLI
    // (--version); + reading and validating the stack (config -q); + observing the engine and planning no change
    // (plan). The rest of an unchanged up is what applying an empty plan costs.
    if (col === firstColumn) {
      keep(col, "  node -e '' (Node start)", run(col, [process.execPath, '-e', ''], 'node floor'), measured);
      keep(
        col,
        '  berth --version (+ load CLI)',
        run(col, [process.execPath, berthBin, '--version'], '--version'),
        measured,
      );
    }
    keep(col, `  config -q, ${n} services`, run(col, col.argv(file, p, ['config', '-q']), 'config -q'), measured);
    keep(col, `  plan (unchanged), ${n} services`, run(col, col.argv(file, p, ['plan']), 'plan'), measured);
  }
  const down = run(col, col.argv(file, p, ['down', '-v', ...timeout]), `down -v ${label}`);
  keep(col, `down -v -t 0, ${label}`, down, measured);
}

/** Our own daemons hold only what this script made: remove every container, non-default network and volume. */
async function purge(d: Daemon): Promise<void> {
  if (d.process.exitCode !== null || !(await pingEngine(d.socket, 1000))) return;
  await using engine = dockerEngineClient(d.socket);
  for (const c of await engine.containers.list({ all: true }))
    await engine.containers.remove(c.id, { force: true, volumes: true });
  for (const n of await engine.networks.list()) {
    if (!['bridge', 'host', 'none'].includes(n.name)) await engine.networks.remove(n.id);
  }
  for (const v of await engine.volumes.list()) await engine.volumes.remove(v.name, { force: true });
}

function machineLine(): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model;
  return `${cpus().length} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

function report(columns: Column[]): void {
  const b = columns[0] as Column;
  const labels = [...new Set([...samples.keys()].map((k) => k.split('|')[1] as string))];
  const fmt = (x?: number): string => (x === undefined ? '' : `${x.toFixed(1)} ms`);
  console.log(`\n${RUNS} rounds after ${WARMUP} warm-ups, interleaved; ${machineLine()}`);
  console.log(`| case | ${columns.map((c) => c.name).join(' | ')} | compose on dockerd ÷ berth on berthd |`);
  console.log(`| --- | ${columns.map(() => '---:').join(' | ')} | ---: |`);
  const med = (c: Column, l: string): number | undefined => {
    const s = samples.get(`${c.name}|${l}`);
    return s ? median(s.map((x) => x.ms)) : undefined;
  };
  for (const l of labels) {
    const cells = columns.map((c) => fmt(med(c, l)));
    const base = med(b, l);
    const peer = columns.find((c) => !c.isBerth);
    const pm = peer ? med(peer, l) : undefined;
    console.log(`| ${l} | ${cells.join(' | ')} | ${base && pm ? `${(pm / base).toFixed(2)}x` : ''} |`);
  }
  if (gnuTime) {
    console.log('\npeak RSS of the CLI process (median, MiB):');
    for (const l of labels.filter((x) => !x.startsWith(' '))) {
      const cells = columns.map((c) => {
        const s = samples.get(`${c.name}|${l}`)?.map((x) => x.rssKb ?? 0);
        return s ? (median(s) / 1024).toFixed(1) : 'n/a';
      });
      console.log(`  ${l.padEnd(32)} ${cells.map((x, i) => `${columns[i]?.name}: ${x}`).join(', ')}`);
    }
  }
  const unchanged = CASES.map((c) => med(b, `unchanged up -d, ${c.label}`) as number);
  console.log(
    `\ntarget unchanged up < ${TARGET_UNCHANGED_MS} ms (berth on berthd): ${Math.max(...unchanged) < TARGET_UNCHANGED_MS ? 'met' : 'NOT met'}`,
  );
  const peer = columns.find((c) => !c.isBerth);
  for (const c of CASES) {
    const targets: Array<[string, number]> = [['down -v -t 0', c.n >= 20 ? 5 : 3]];
    if (c.n >= 20) targets.push(['up -d', TARGET_RATIO_20]);
    for (const [what, ratio] of targets) {
      const pm = peer ? med(peer, `${what}, ${c.label}`) : undefined;
      const bm = med(b, `${what}, ${c.label}`) as number;
      if (pm === undefined) continue;
      const verdict = pm / bm >= ratio ? 'met' : 'NOT met';
      console.log(
        `target ${what}, ${c.label} >= ${ratio}x docker-compose on dockerd: ${(pm / bm).toFixed(2)}x, ${verdict}`,
      );
    }
  }
}

async function main(): Promise<void> {
  const onSignal = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const daemons: Daemon[] = [];
  try {
    const berthd = await startBerthd(dir);
    daemons.push(berthd);
    const hasDocker = hasCommand('dockerd');
    const dockerd = hasDocker ? await startDockerd(dir) : undefined;
    if (dockerd) daemons.push(dockerd);
    const berthArgv = (file: string, p: string, args: string[]): string[] => [
      process.execPath,
      berthBin,
      '-f',
      file,
      '-p',
      p,
      ...args,
    ];
    const columns: Column[] = [
      {
        name: 'berth on berthd',
        daemon: berthd,
        env: { ...withoutDockerHost(), BERTH_SOCKET: berthd.socket, BERTH_ROOT: join(dir, 'berth-root') },
        argv: berthArgv,
        isBerth: true,
      },
    ];
    if (dockerd) {
      const env = { ...process.env, DOCKER_HOST: `unix://${dockerd.socket}` };
      if (hasCommand('docker-compose', 'version')) {
        const argv = (file: string, p: string, args: string[]): string[] => [
          'docker-compose',
          '--ansi',
          'never',
          '-f',
          file,
          '-p',
          p,
          ...args,
        ];
        columns.push({ name: 'docker-compose on dockerd', daemon: dockerd, env, argv, isBerth: false });
      } else console.log('docker-compose: not installed, so no docker-compose column in this run');
      // NO_BERTH_ON_DOCKERD=1 leaves the third column out (a shorter run when only the ratios are wanted)
      if (process.env.NO_BERTH_ON_DOCKERD !== '1')
        columns.push({ name: 'berth on dockerd', daemon: dockerd, env, argv: berthArgv, isBerth: true });
    } else console.log('dockerd: not installed (apt-get install docker.io), so only berth on berthd in this run');

    firstColumn = columns[0];
    const tar = join(dir, 'busybox.tar');
    writeFileSync(tar, await makeBusyboxSaveTar({ tags: [image] }));
    for (const d of daemons) {
      execFileSync('docker', ['load', '-i', tar], {
        env: { ...process.env, DOCKER_HOST: `unix://${d.socket}` },
        stdio: 'ignore',
      });
    }
    const files = new Map(CASES.map((c) => [c, writeStack(c)]));
    if (!gnuTime) console.log('GNU time not found: no peak RSS figures');
    for (let i = 0; i < RUNS + WARMUP; i++) {
      const t = Date.now();
      for (const c of CASES) for (const col of columns) roundFor(col, c, files.get(c) as string, i >= WARMUP);
      console.error(
        `round ${i + 1}/${RUNS + WARMUP}${i < WARMUP ? ' (warm-up)' : ''}: ${((Date.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    report(columns);
  } finally {
    for (const d of daemons) await purge(d).catch((e: unknown) => console.error(`purge ${d.name}: ${String(e)}`));
    for (const d of daemons) await stopProcess(d.process);
    await new Promise((r) => setTimeout(r, 500));
    removeBenchDir(dir);
  }
}

await main();
