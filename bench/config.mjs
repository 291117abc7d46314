#!/usr/bin/env node
// Benchmark of `berth config` on a generated 500-service stack split across three files (bench/gen-stack.mjs).
// Assumes dist/ is built (npm run build); builds nothing.
//
//   node bench/config.mjs [--runs 15] [--warmup 2] [--services 500] [--keep] [--json]
//
// Each measured run is a whole process, as a user would start it: wall time is process.hrtime around
// child_process.spawnSync; peak memory is the child's peak RSS (getrusage ru_maxrss), read by GNU time
// (`/usr/bin/time -f %M -o FILE`) when it is installed, otherwise by preloading bench/print-maxrss.mjs with
// `node --import`, which writes process.resourceUsage().maxRSS at exit. stdout goes to /dev/null.
// The cases run interleaved (one run of each per round), after the warm-up rounds, so that drift of the
// machine affects them alike. BENCH_RSS=hook forces the --import method even where GNU time exists. CPU time is
// the child's user + system time from the same source: on a machine shared with other jobs it moves less than
// the wall time. Cases:
//   node floor          `node -e ''`: bare Node start-up, the least any Node CLI can take
//   config -q, cold     validation only (load, interpolate, validate, merge, normalize; nothing printed), with
//                       the stack cache off (BERTH_NO_CACHE=1): the first run after an edit
//   config, cold        the normalized stack printed as YAML, cache off
//   config -q           validation only, the stack unchanged since the last run (served from the stack cache)
//   config              the target: YAML, the stack unchanged since the last run (the common case)
// The cache lives in the generated folder (XDG_CACHE_HOME), never in the user's; the warm-up fills it.
// Targets (from the issue): `config` median wall < 300 ms or at most 2x the node floor, and median peak RSS
// < 150 MB (MiB).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem, availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateStack } from './gen-stack.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const berth = join(root, 'bin', 'berth.js');

const TARGET_WALL_MS = 300;
const TARGET_RSS_MB = 150;

function parseArgs(argv) {
  const opts = { runs: 15, warmup: 2, services: 500, keep: false, json: false };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--runs') opts.runs = Number(argv[++k]);
    else if (a === '--warmup') opts.warmup = Number(argv[++k]);
    else if (a === '--services') opts.services = Number(argv[++k]);
    else if (a === '--keep') opts.keep = true;
    else if (a === '--json') opts.json = true;
    else {
      console.error(
        `unknown argument ${a}\nusage: node bench/config.mjs [--runs 15] [--warmup 2] [--services 500] [--keep] [--json]`,
      );
      process.exit(2);
    }
  }
  if (!(opts.runs >= 1) || !(opts.warmup >= 0)) throw new Error('--runs must be >= 1 and --warmup >= 0');
  return opts;
}

/** GNU time, if installed and really GNU's (busybox's and the shell keyword take no -f/-o). */
function gnuTime() {
  const path = '/usr/bin/time';
  if (process.env.BENCH_RSS === 'hook' || !existsSync(path)) return undefined;
  const probe = spawnSync(path, ['-f', '%M %U %S', '-o', '/dev/null', 'true']);
  return probe.status === 0 ? path : undefined;
}

function machine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    nproc: availableParallelism(),
    memoryGiB: +(totalmem() / 1024 ** 3).toFixed(1),
    freeMemoryGiB: +(freemem() / 1024 ** 3).toFixed(1),
    cpu: cpuModel,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Nearest-rank percentile. */
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

function main() {
  const opts = parseArgs(process.argv.slice(2));
  // Whatever bin/berth.js loads from dist/ must be there: ask it, rather than naming a file of today's build.
  const probe = spawnSync(process.execPath, [berth, '--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.error(
      `bin/berth.js does not start (is dist/ built? run \`npm run build\` first):\n${probe.stderr.slice(0, 2000)}`,
    );
    process.exit(2);
  }
  const timeBin = gnuTime();
  const method = timeBin
    ? 'GNU time -f "%M %U %S" (ru_maxrss and CPU time of the child)'
    : 'node --import bench/print-maxrss.mjs (process.resourceUsage().maxRSS at exit)';
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-config-'));
  const rssFile = join(dir, '.maxrss');
  const devNull = openSync('/dev/null', 'w');
  try {
    const files = generateStack(dir, { services: opts.services });
    const fileArgs = files.flatMap((f) => ['-f', f]);
    const cold = { BERTH_NO_CACHE: '1' };
    const cases = [
      { name: 'node floor', args: ['-e', ''] },
      { name: 'config -q, cold', args: [berth, ...fileArgs, 'config', '-q'], env: cold },
      { name: 'config, cold', args: [berth, ...fileArgs, 'config'], env: cold },
      { name: 'config -q', args: [berth, ...fileArgs, 'config', '-q'] },
      { name: 'config', args: [berth, ...fileArgs, 'config'], target: true },
    ];

    const runOnce = (c) => {
      rmSync(rssFile, { force: true });
      const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.cache') };
      delete env.BERTH_NO_CACHE; // the cases say where the cache is off
      Object.assign(env, c.env);
      let cmd, args;
      if (timeBin) {
        cmd = timeBin;
        args = ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...c.args];
      } else {
        cmd = process.execPath;
        args = ['--import', pathToFileURL(join(here, 'print-maxrss.mjs')).href, ...c.args];
        env.BENCH_MAXRSS_FILE = rssFile;
      }
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, {
        cwd: dir,
        env,
        stdio: ['ignore', devNull, 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      });
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.error) throw r.error;
      if (r.status !== 0) {
        throw new Error(`${c.name}: exit code ${r.status ?? r.signal}\n${r.stderr.toString().slice(0, 4000)}`);
      }
      // GNU time writes "Command exited with non-zero status" lines before the figure on failure; take the last line.
      const [kib, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      return { wallMs, rssMiB: kib / 1024, cpuMs: (user + sys) * 1000 };
    };

    for (let w = 0; w < opts.warmup; w++) for (const c of cases) runOnce(c);
    const samples = new Map(cases.map((c) => [c.name, []]));
    for (let k = 0; k < opts.runs; k++) {
      for (const c of cases) samples.get(c.name).push(runOnce(c));
      process.stderr.write(`\rrun ${k + 1}/${opts.runs}`);
    }
    process.stderr.write('\n');

    const results = cases.map((c) => {
      const s = samples.get(c.name);
      const wall = s.map((x) => x.wallMs);
      const rss = s.map((x) => x.rssMiB);
      const r = {
        case: c.name,
        medianMs: median(wall),
        p90Ms: percentile(wall, 90),
        minMs: Math.min(...wall),
        medianCpuMs: median(s.map((x) => x.cpuMs)),
        medianRssMiB: median(rss),
      };
      if (c.target) {
        r.wallPass =
          r.medianMs < TARGET_WALL_MS || r.medianMs <= 2 * median(samples.get('node floor').map((x) => x.wallMs));
        r.rssPass = r.medianRssMiB < TARGET_RSS_MB;
      }
      return r;
    });

    const info = machine();
    const out = {
      benchmark: `berth config, ${opts.services} services in 3 files`,
      machine: info,
      runs: opts.runs,
      warmup: opts.warmup,
      rssMethod: method,
      stackBytes: files.reduce((n, f) => n + readFileSync(join(dir, f)).length, 0),
      results,
    };
    if (opts.json) {
      console.log(JSON.stringify(out, null, 2));
    } else {
      console.log(`${out.benchmark}: ${opts.runs} runs after ${opts.warmup} warm-up rounds, interleaved`);
      console.log(`machine: ${info.nproc} cpus, ${info.memoryGiB} GiB, ${info.cpu}, Node ${info.node}, ${info.date}`);
      console.log(`stack: ${files.join(' + ')} (${(out.stackBytes / 1024).toFixed(0)} KiB); peak RSS by ${method}`);
      console.log('');
      const fmt = (n) => n.toFixed(0);
      const rows = [
        [
          'case',
          'median ms',
          'p90 ms',
          'min ms',
          'CPU ms (median)',
          'peak RSS MiB (median)',
          'vs node floor',
          'target',
        ],
        ...results.map((r) => [
          r.case,
          fmt(r.medianMs),
          fmt(r.p90Ms),
          fmt(r.minMs),
          Number.isNaN(r.medianCpuMs) ? '-' : fmt(r.medianCpuMs),
          r.medianRssMiB.toFixed(1),
          r.case === 'node floor' ? '1.0x' : `${(r.medianMs / results[0].medianMs).toFixed(1)}x`,
          r.wallPass === undefined
            ? ''
            : `wall <${TARGET_WALL_MS} ms or <=2x floor ${r.wallPass ? 'PASS' : 'FAIL'}, RSS <${TARGET_RSS_MB} MB ${r.rssPass ? 'PASS' : 'FAIL'}`,
        ]),
      ];
      const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
      for (const row of rows)
        console.log(
          row
            .map((cell, k) => (k === 0 ? cell.padEnd(widths[k]) : cell.padStart(widths[k])))
            .join('  ')
            .trimEnd(),
        );
    }
  } finally {
    closeSync(devNull);
    if (opts.keep) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main();
