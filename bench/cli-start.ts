// CLI start-up benchmark (issue 17): what berth's everyday commands cost over Node's own start-up. On its own berthd
// (temporary data root and socket), with a 3-service busybox stack already up and a one-service build already
// cached, it times in interleaved rounds, each a whole process: `node -e ''` (the floor), `berth --version`,
// `berth ps`, an unchanged `berth up -d` and a fully cached `berth build`, and reports medians with the difference
// and ratio to the floor.
// Run from the repository root, as root: npm run build && npm run bench:cli-start
// RUNS (default 21) measured rounds after WARMUP (default 3). CPU_PROF=DIR writes a V8 CPU profile of one extra run
// of each berth command into DIR (not timed). BEFORE_BIN=PATH/bin/berth.js adds the same berth commands run by
// another build of berth (e.g. an older commit's) as rows of their own in the same rounds, for a before/after.
// Each berth build keeps its stack cache in its own folder under the run's temporary folder (XDG_CACHE_HOME), so
// they do not evict each other's entries and the user's cache is left alone.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { dockerEngineClient } from '../src/client/docker/client.js';
import { pingEngine } from '../src/client/endpoint.js';
import { makeBusyboxSaveTar } from '../test/engine/fixtures/busybox-image.js';
import { type Daemon, median, removeBenchDir, startBerthd, stopProcess } from './lib.js';

const RUNS = Number(process.env.RUNS ?? 21);
const WARMUP = Number(process.env.WARMUP ?? 3);
const TARGET_OVER_NODE_MS = 40; // unchanged up -d and ps
const TARGET_BUILD_RATIO = 2; // cached build, against node -e ''
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-cli-'));
const image = `bench-cli-${process.pid}/busybox:1`;
const berthBin = join(process.cwd(), 'bin/berth.js');
const project = `bc${process.pid}`;
const buildProject = `bcb${process.pid}`;
let interrupted = false;

/** The stack: 3 busybox services sleeping, s02 and s03 depending on s01, on the project's default network. */
function writeStack(): string {
  const folder = join(dir, 'stack');
  mkdirSync(folder, { recursive: true });
  const lines = ['services:'];
  for (const s of ['s01', 's02', 's03']) {
    lines.push(`  ${s}:`, `    image: ${image}`, '    command: ["sleep", "3600"]');
    if (s !== 's01') lines.push('    depends_on: [s01]');
  }
  writeFileSync(join(folder, 'compose.yaml'), `${lines.join('\n')}\n`);
  return folder;
}

/** One service built from a small Dockerfile: FROM the busybox tag, a COPY and a RUN. */
function writeBuildStack(): string {
  const folder = join(dir, 'build');
  mkdirSync(join(folder, 'app'), { recursive: true });
  writeFileSync(join(folder, 'Dockerfile'), `FROM ${image}\nCOPY app/ /app/\nRUN cat /app/*.txt > /app.all\n`);
  for (let i = 0; i < 5; i++) writeFileSync(join(folder, 'app', `f${i}.txt`), `file ${i}\n`);
  writeFileSync(
    join(folder, 'compose.yaml'),
    [
      'services:',
      '  app:',
      '    build:',
      '      context: .',
      '      network: none',
      `    image: ${image}-app`,
      '',
    ].join('\n'),
  );
  return folder;
}

interface Cmd {
  label: string;
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** what the output must contain, so that a case measures what it says */
  expect?: RegExp;
}

function run(cmd: Cmd): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd.argv[0] as string, cmd.argv.slice(1), {
    env: cmd.env,
    cwd: cmd.cwd,
    maxBuffer: 16 * 1024 * 1024,
  });
  const took = Number(process.hrtime.bigint() - t) / 1e6;
  if (interrupted) throw new Error('interrupted');
  const out = `${r.stdout.toString()}${r.stderr.toString()}`;
  if (r.status !== 0) throw new Error(`${cmd.label} exited ${r.status}: ${out.slice(-2000)}`);
  if (cmd.expect && !cmd.expect.test(out))
    throw new Error(`${cmd.label}: output does not match ${cmd.expect}:\n${out}`);
  return took;
}

/** Our own daemon holds only what this script made: every container, non-default network and volume goes. */
async function purge(d: Daemon): Promise<void> {
  if (d.process.exitCode !== null || !(await pingEngine(d.socket, 1000))) return;
  await using engine = dockerEngineClient(d.socket);
  for (const c of await engine.containers.list({ all: true }))
    await engine.containers.remove(c.id, { force: true, volumes: true });
  for (const n of await engine.networks.list()) {
    if (!['bridge', 'host', 'none'].includes(n.name)) await engine.networks.remove(n.id);
  }
}

function machineLine(loads: number[]): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model;
  const la = loads.length ? `load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}` : '';
  return `${cpus().length} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${la}`;
}

async function main(): Promise<void> {
  const onSignal = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let berthd: Daemon | undefined;
  try {
    berthd = await startBerthd(dir);
    const env: NodeJS.ProcessEnv = { ...process.env, BERTH_SOCKET: berthd.socket, BERTH_ROOT: join(dir, 'berth-root') };
    delete env.DOCKER_HOST;
    const tar = join(dir, 'busybox.tar');
    writeFileSync(tar, await makeBusyboxSaveTar({ tags: [image] }));
    execFileSync('docker', ['load', '-i', tar], {
      env: { ...process.env, DOCKER_HOST: `unix://${berthd.socket}` },
      stdio: 'ignore',
    });
    const stack = writeStack();
    const build = writeBuildStack();
    // The berth commands of one build of berth (bin: its bin/berth.js), labelled with `suffix`.
    const berthCmds = (bin: string, suffix: string, cache: string): Cmd[] => {
      const benv = { ...env, XDG_CACHE_HOME: join(dir, cache) };
      const berth = (p: string, ...args: string[]): string[] => [process.execPath, bin, '-p', p, ...args];
      return [
        { label: `berth --version${suffix}`, argv: [process.execPath, bin, '--version'], cwd: stack, env: benv },
        { label: `berth ps${suffix}`, argv: berth(project, 'ps'), cwd: stack, env: benv, expect: /s03/ },
        { label: `unchanged berth up -d${suffix}`, argv: berth(project, 'up', '-d'), cwd: stack, env: benv },
        {
          label: `cached berth build${suffix}`,
          argv: berth(buildProject, 'build'),
          cwd: build,
          env: benv,
          expect: /Using cache[\s\S]*Using cache/,
        },
      ];
    };
    const [, , up, cachedBuild] = berthCmds(berthBin, '', 'cache') as [Cmd, Cmd, Cmd, Cmd];
    run({ ...up, label: 'up -d (first)' });
    run({ ...cachedBuild, label: 'build (first)', expect: undefined });
    const before = process.env.BEFORE_BIN;
    // The floor under `ps`: what any Node client pays to load node:http, and to make the one request ps needs
    const oneGet = `require('node:http').get({ socketPath: process.env.BERTH_SOCKET, path: '/v1.41/containers/json' },
      (r) => r.pipe(process.stdout))`;
    const cmds: Cmd[] = [
      { label: "node -e ''", argv: [process.execPath, '-e', ''], cwd: stack, env },
      {
        label: 'node -e "require(\'node:http\')"',
        argv: [process.execPath, '-e', "require('node:http')"],
        cwd: stack,
        env,
      },
      {
        label: 'node: one GET /containers/json over the socket',
        argv: [process.execPath, '-e', oneGet],
        cwd: stack,
        env,
      },
      ...berthCmds(berthBin, '', 'cache'),
      ...(before ? berthCmds(before, ' (before)', 'cache-before') : []),
    ];
    if (process.env.CPU_PROF) {
      mkdirSync(process.env.CPU_PROF, { recursive: true });
      for (const c of cmds.filter((x) => x.argv[1] !== '-e')) {
        const argv = [c.argv[0] as string, '--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF}`, ...c.argv.slice(1)];
        run({ ...c, argv });
      }
    }
    const samples = new Map<string, number[]>(cmds.map((c) => [c.label, []]));
    const loads: number[] = [];
    for (let i = 0; i < RUNS + WARMUP; i++) {
      // rotate the order each round, so no command always follows the same one
      for (let j = 0; j < cmds.length; j++) {
        const c = cmds[(i + j) % cmds.length] as Cmd;
        const took = run(c);
        if (i >= WARMUP) samples.get(c.label)?.push(took);
      }
      if (i >= WARMUP) loads.push(loadavg()[0] as number);
    }
    const floor = median(samples.get("node -e ''") as number[]);
    console.log(`\n${RUNS} rounds after ${WARMUP} warm-ups, interleaved; ${machineLine(loads)}`);
    console.log('| command | median | over node | ÷ node |\n| --- | ---: | ---: | ---: |');
    for (const c of cmds) {
      const m = median(samples.get(c.label) as number[]);
      console.log(`| ${c.label} | ${m.toFixed(1)} ms | +${(m - floor).toFixed(1)} ms | ${(m / floor).toFixed(2)}x |`);
    }
    const over = (l: string): number => median(samples.get(l) as number[]) - floor;
    for (const l of ['berth ps', 'unchanged berth up -d'])
      console.log(
        `target ${l} <= node + ${TARGET_OVER_NODE_MS} ms: ${over(l) <= TARGET_OVER_NODE_MS ? 'met' : 'NOT met'}`,
      );
    const ratio = median(samples.get('cached berth build') as number[]) / floor;
    console.log(
      `target cached build <= ${TARGET_BUILD_RATIO}x node: ${ratio <= TARGET_BUILD_RATIO ? 'met' : 'NOT met'}`,
    );
  } finally {
    if (berthd) {
      await purge(berthd).catch((e: unknown) => console.error(`purge: ${String(e)}`));
      await stopProcess(berthd.process);
    }
    await new Promise((r) => setTimeout(r, 500));
    removeBenchDir(dir);
  }
}

await main();
