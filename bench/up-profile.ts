// Where the CPU of a `berth up -d` goes, on the whole machine: berth on berthd only (the peer's ratios are
// bench/up.ts's), N busybox services, ROUNDS rounds of an `up -d` from nothing. Around each up it reads the machine's
// CPU (/proc/stat) and berthd's own and its reaped children's (/proc/<pid>/stat), and, where perf(1) is installed
// (apt-get install linux-perf), records every CPU's samples (`perf record -a`) during the up alone, then gives each
// process name's CPU time per container started (`perf report --sort comm`). The CLI's CPU comes from GNU time.
// Run from the repository root, as root: npm run build && npm run bench:up-profile
// N (default 20), CHAIN=1 for a depends_on chain (default: independent services), ROUNDS (default 3), PERF=0 to
// leave perf out.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxSaveTar } from '../test/engine/fixtures/busybox-image.js';
import { median, removeBenchDir, startBerthd, stopProcess } from './lib.js';

const N = Number(process.env.N ?? 20);
const CHAIN = process.env.CHAIN === '1';
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PERF_HZ = 499;
const usePerf = process.env.PERF !== '0' && spawnSync('perf', ['--version']).status === 0;
const TICK_MS = 1000 / 100; // USER_HZ

/** Busy and idle CPU time of the machine, all CPUs, in ms. */
function machineCpu(): { busy: number; idle: number } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number): number => f[i] ?? 0;
  return { busy: (at(0) + at(1) + at(2) + at(5) + at(6)) * TICK_MS, idle: (at(3) + at(4)) * TICK_MS };
}

/** A process's own CPU time and that of the children it has reaped, in ms. */
function processCpu(pid: number): { self: number; children: number } {
  const f = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ').map(Number);
  const at = (i: number): number => f[i] ?? 0;
  return { self: (at(11) + at(12)) * TICK_MS, children: (at(13) + at(14)) * TICK_MS };
}

/** CPU ms per process name in one perf recording. */
function perfByName(data: string): Map<string, number> {
  const out = execFileSync('perf', ['report', '-i', data, '--sort', 'comm', '-n', '--stdio'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const byName = new Map<string, number>();
  for (const line of out.split('\n')) {
    const m = /^\s+[\d.]+%\s+(\d+)\s+(.+?)\s*$/.exec(line);
    if (m) byName.set(m[2] as string, (Number(m[1]) * 1000) / PERF_HZ);
  }
  return byName;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-up-profile-'));
  const image = `bench-up-profile-${process.pid}/busybox:1`;
  const d = await startBerthd(dir);
  const env = { ...process.env, BERTH_SOCKET: d.socket, BERTH_ROOT: join(dir, 'berth-root') };
  const pid = d.process.pid as number;
  try {
    const tar = join(dir, 'busybox.tar');
    writeFileSync(tar, await makeBusyboxSaveTar({ tags: [image] }));
    execFileSync('docker', ['load', '-i', tar], {
      env: { ...env, DOCKER_HOST: `unix://${d.socket}` },
      stdio: 'ignore',
    });
    const lines = ['services:'];
    for (let i = 1; i <= N; i++) {
      const name = `s${String(i).padStart(2, '0')}`;
      lines.push(`  ${name}:`, `    image: ${image}`, '    command: ["sleep", "3600"]');
      if (CHAIN && i > 1) lines.push('    depends_on:', `      - s${String(i - 1).padStart(2, '0')}`);
    }
    mkdirSync(join(dir, 'stack'));
    const file = join(dir, 'stack', 'compose.yaml');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const times = join(dir, 'cli-times');
    /** Runs the CLI under GNU time; resolves with its CPU time (user + system) in ms. */
    const berth = (args: string[]): number => {
      const argv = [process.execPath, 'bin/berth.js', '-f', file, '-p', 'profile', ...args];
      const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', times, ...argv], { env });
      if (r.status !== 0) throw new Error(`berth ${args.join(' ')}: ${r.stderr.toString()}`);
      return readFileSync(times, 'utf8')
        .trim()
        .split(/\s+/)
        .reduce((sum, x) => sum + Number(x) * 1000, 0);
    };
    berth(['up', '-d']); // warm-up
    const rows: Array<{ wall: number; busy: number; idle: number; berthd: number; children: number; cli: number }> = [];
    const byName = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      berth(['down', '-v', '-t', '0']);
      await new Promise((r) => setTimeout(r, 500)); // the down's leaves and teardowns end before the up
      const data = join(dir, `perf-${round}.data`);
      const perf = usePerf
        ? spawn('perf', ['record', '-a', '-F', String(PERF_HZ), '-o', data], { stdio: 'ignore' })
        : undefined;
      if (perf) await new Promise((r) => setTimeout(r, 300)); // perf is recording
      const [m0, p0, t0] = [machineCpu(), processCpu(pid), performance.now()];
      const cli = berth(['up', '-d']);
      const [m1, p1, t1] = [machineCpu(), processCpu(pid), performance.now()];
      if (perf) {
        perf.kill('SIGINT');
        await new Promise((r) => perf.once('exit', r));
        for (const [name, ms] of perfByName(data)) byName.set(name, (byName.get(name) ?? 0) + ms);
      }
      rows.push({
        wall: t1 - t0,
        busy: m1.busy - m0.busy,
        idle: m1.idle - m0.idle,
        berthd: p1.self - p0.self,
        children: p1.children - p0.children,
        cli,
      });
    }
    berth(['down', '-v', '-t', '0']);
    const med = (k: keyof (typeof rows)[number]): string => median(rows.map((r) => r[k])).toFixed(0);
    console.log(`up -d of ${N} services${CHAIN ? ' (a depends_on chain)' : ''}, ${ROUNDS} rounds, medians:`);
    console.log(`  wall ${med('wall')} ms; machine CPU busy ${med('busy')} ms, idle ${med('idle')} ms`);
    console.log(`  berthd ${med('berthd')} ms of CPU, the processes it ran and reaped ${med('children')} ms`);
    console.log(`  the CLI (berth up -d, a process of its own) ${med('cli')} ms of CPU`);
    if (!usePerf) return console.log('perf not installed (or PERF=0): no CPU by process name');
    console.log(`CPU per container by process name (perf record -a over the ups only, ${ROUNDS * N} containers):`);
    const containers = ROUNDS * N;
    const sorted = [...byName].filter(([name]) => name !== 'swapper' && name !== 'perf').sort((a, b) => b[1] - a[1]);
    for (const [name, ms] of sorted.slice(0, 15)) {
      console.log(`  ${name.padEnd(20)} ${(ms / containers).toFixed(1).padStart(6)} ms`);
    }
  } finally {
    spawnSync(process.execPath, ['bin/berth.js', '-p', 'profile', 'down', '-v', '-t', '0'], { env });
    await stopProcess(d.process);
    removeBenchDir(dir);
  }
}

await main();
