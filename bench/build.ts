// Build benchmark: a 10-step Dockerfile on the busybox test image, built first from nothing (cold, informational),
// rebuilt with every step cached, and rebuilt after one source file changed (only the last COPY and RUN redo).
// Columns, in the same run and interleaved round by round: `berth build` on berthd, `docker build` on berthd, and
// `docker build` on Debian's dockerd (the docker CLI on PATH has no buildx, so it uses the classic builder API).
// Run from the repository root, as root: npm run build && npm run bench:build
// Each daemon gets its own temporary data root and socket; dockerd runs with --bridge=none --iptables=false and its
// own containerd namespace, and every build uses network mode none, so no RUN step touches a network.
// RUNS (default 11) measured rounds after WARMUP (default 2) warm-ups.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { packBuildContext } from '../src/client/build-context.js';
import { dockerEngineClient } from '../src/client/docker/client.js';
import { pingEngine } from '../src/client/endpoint.js';
import { makeBusyboxSaveTar } from '../test/engine/fixtures/busybox-image.js';
import { type Daemon, api, median, ms, startBerthd, startDockerd, stopProcess, removeBenchDir } from './lib.js';

const RUNS = Number(process.env.RUNS ?? 11);
const WARMUP = Number(process.env.WARMUP ?? 2);
const TARGET_CACHED_MS = 300;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-build-'));
const base = `bench-build-${process.pid}/busybox:1`;
const berthBin = join(process.cwd(), 'bin/berth.js');
const ctxDir = join(dir, 'ctx');
let interrupted = false;

/** One column: a CLI on an engine, building the context into `tag`. */
interface Column {
  name: string;
  daemon: Daemon;
  tag: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
}

// 10 steps. The RUN steps do real work (hashing, writing files, copying 1 MiB); src/ is copied last, so a change
// there redoes only steps 8 and 9 (10, CMD, is a new image on the new parent too, but without a container).
const DOCKERFILE = `FROM ${base}
ENV APP_HOME=/app MODE=bench
WORKDIR /app
COPY app.conf lib/ ./lib/
COPY assets/ ./assets/
RUN find lib -type f | sort | xargs cat | md5sum > lib.md5 && mkdir -p /data && for i in $(seq 1 200); do echo "row $i" >> /data/rows.txt; done
RUN cat assets/* | wc -c > assets.size && cp assets/blob-0.bin /data/blob.bin && gzip -k /data/rows.txt
COPY src/ ./src/
RUN cat src/*.sh | md5sum > src.md5 && ls -l src > src.list && sh src/main.sh > /data/out.txt
CMD ["sh", "/app/src/main.sh"]
`;

/** Deterministic bytes: a SHA-256 chain seeded by `seed`. */
function bytes(seed: string, n: number): Buffer {
  const out = Buffer.alloc(n);
  let h = createHash('sha256').update(seed).digest();
  for (let off = 0; off < n; off += h.length) {
    h.copy(out, off, 0, Math.min(h.length, n - off));
    h = createHash('sha256').update(h).digest();
  }
  return out;
}

/**
 * The context: 200 small text files under lib/ (0.2–4 KiB), 3 larger binaries under assets/ (0.5, 1 and 2 MiB),
 * 20 shell files under src/, a log file that .dockerignore keeps out, and the stack file `berth build` reads.
 */
function writeContext(): void {
  for (const d of ['lib', 'assets', 'src']) mkdirSync(join(ctxDir, d), { recursive: true });
  writeFileSync(join(ctxDir, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(ctxDir, '.dockerignore'), '*.log\ncompose.yaml\n');
  writeFileSync(join(ctxDir, 'build.log'), bytes('log', 64 * 1024).toString('hex'));
  writeFileSync(join(ctxDir, 'app.conf'), 'mode=bench\nworkers=2\n');
  for (let i = 0; i < 200; i++) {
    const size = 200 + ((i * 977) % 3900);
    writeFileSync(
      join(ctxDir, 'lib', `mod-${String(i).padStart(3, '0')}.txt`),
      bytes(`lib${i}`, size / 2).toString('hex'),
    );
  }
  [512, 1024, 2048].forEach((kib, i) =>
    writeFileSync(join(ctxDir, 'assets', `blob-${i}.bin`), bytes(`a${i}`, kib * 1024)),
  );
  for (let i = 1; i < 20; i++)
    writeFileSync(join(ctxDir, 'src', `part-${String(i).padStart(2, '0')}.sh`), `echo part ${i}\n`);
  writeSource('v1');
  writeFileSync(
    join(ctxDir, 'compose.yaml'),
    ['services:', '  app:', '    build:', '      context: .', '      network: none', '    image: IMAGE', ''].join('\n'),
  );
}

/** The one source file the "one file changed" case edits. */
function writeSource(version: string): void {
  writeFileSync(
    join(ctxDir, 'src', 'main.sh'),
    `#!/bin/sh\necho "main ${version}"\nfor f in /app/src/part-*.sh; do sh "$f"; done\n`,
  );
}

/** Runs one whole process, wall time around spawnSync. Throws on a non-zero exit; returns stdout + stderr. */
function run(argv: string[], env: NodeJS.ProcessEnv, what: string): { ms: number; output: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0] as string, argv.slice(1), { env, cwd: ctxDir, maxBuffer: 64 * 1024 * 1024 });
  const took = ms(t);
  if (interrupted) throw new Error('interrupted');
  const output = `${r.stdout.toString()}${r.stderr.toString()}`;
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${output.slice(-2000)}`);
  return { ms: took, output };
}

const samples = new Map<string, number[]>(); // `${column}|${case}` -> ms
const keep = (col: string, label: string, value: number, measured: boolean): void => {
  if (measured) samples.set(`${col}|${label}`, [...(samples.get(`${col}|${label}`) ?? []), value]);
};

/** Every build must have served exactly `cached` steps from the cache, or the case measures something else. */
function expectCached(col: Column, output: string, cached: number, label: string): void {
  const n = output.match(/Using cache/g)?.length ?? 0;
  if (n !== cached)
    throw new Error(`${col.name}, ${label}: ${n} cached steps, expected ${cached}:\n${output.slice(-3000)}`);
}

/**
 * Back to the base image only: the daemon's build tags (every column's on it) deleted with their step images, and
 * dangling images (with their steps) pruned. So every cold build starts from nothing, and no image piles up.
 */
async function reset(d: Daemon, tags: readonly string[], baseline: number): Promise<void> {
  for (const tag of tags) await api(d.socket, 'DELETE', `/v1.41/images/${encodeURIComponent(tag)}?force=1`);
  await api(d.socket, 'POST', '/v1.41/images/prune');
  const left = JSON.parse((await api(d.socket, 'GET', '/v1.41/images/json?all=1')).body) as unknown[];
  if (left.length !== baseline) throw new Error(`${d.name}: ${left.length} images after reset, expected ${baseline}`);
}

async function round(col: Column, reset: () => Promise<void>, i: number, measured: boolean): Promise<void> {
  writeSource('v1');
  await reset();
  const cold = run(col.argv, col.env, `${col.name} cold`);
  expectCached(col, cold.output, 0, 'cold');
  keep(col.name, 'first build (cold)', cold.ms, measured);
  const cached = run(col.argv, col.env, `${col.name} cached`);
  expectCached(col, cached.output, 9, 'cached');
  keep(col.name, 'fully cached rebuild', cached.ms, measured);
  writeSource(`v2 round ${i}`);
  const changed = run(col.argv, col.env, `${col.name} one file changed`);
  expectCached(col, changed.output, 6, 'changed');
  keep(col.name, 'one source file changed', changed.ms, measured);
}

/** POST /build with the context already packed in memory: the daemon's part of a build, without any CLI. */
function postBuild(socket: string, tar: Buffer, tag: string): Promise<number> {
  const q = new URLSearchParams({ dockerfile: 'Dockerfile', t: tag, networkmode: 'none', rm: '1' });
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const req = request(
      {
        socketPath: socket,
        method: 'POST',
        path: `/v1.41/build?${q.toString()}`,
        headers: { 'Content-Type': 'application/x-tar', 'Content-Length': tar.length },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          if (res.statusCode !== 200 || text.includes('"error"'))
            reject(new Error(`POST /build: ${text.slice(-1000)}`));
          else if ((text.match(/Using cache/g)?.length ?? 0) !== 9)
            reject(new Error(`POST /build not cached: ${text}`));
          else resolve(ms(t));
        });
      },
    );
    req.on('error', reject);
    req.end(tar);
  });
}

async function packContext(): Promise<{ ms: number; tar: Buffer }> {
  const t = process.hrtime.bigint();
  const chunks: Buffer[] = [];
  for await (const c of packBuildContext(ctxDir).stream) chunks.push(c as Buffer);
  return { ms: ms(t), tar: Buffer.concat(chunks) };
}

/**
 * Where a cached `berth build` spends its time, each row a stage added to the one above: Node's start-up, loading
 * the CLI, reading the stack; then in this process, packing the context, and the daemon answering POST /build.
 */
async function breakdown(berth: Column, peers: Column[], measured: boolean): Promise<number> {
  const env = berth.env;
  keep('breakdown', "node -e ''", run([process.execPath, '-e', ''], env, 'node floor').ms, measured);
  keep('breakdown', 'berth --version', run([process.execPath, berthBin, '--version'], env, '--version').ms, measured);
  keep(
    'breakdown',
    'berth config -q',
    run([process.execPath, berthBin, 'config', '-q'], env, 'config -q').ms,
    measured,
  );
  const packed = await packContext();
  keep('breakdown', 'pack the context (in-process)', packed.ms, measured);
  for (const col of [berth, ...peers]) {
    keep(
      col.name,
      'POST /build, cached (tar in memory)',
      await postBuild(col.daemon.socket, packed.tar, col.tag),
      measured,
    );
  }
  return packed.tar.length;
}

/** Our own daemons hold only what this script made: every container goes. */
async function purge(d: Daemon): Promise<void> {
  if (d.process.exitCode !== null || !(await pingEngine(d.socket, 1000))) return;
  await using engine = dockerEngineClient(d.socket);
  for (const c of await engine.containers.list({ all: true }))
    await engine.containers.remove(c.id, { force: true, volumes: true });
}

function machineLine(): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model;
  return `${cpus().length} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

function report(columns: Column[], tarBytes: number): void {
  const med = (col: string, l: string): number | undefined => {
    const s = samples.get(`${col}|${l}`);
    return s ? median(s) : undefined;
  };
  const fmt = (x?: number): string => (x === undefined ? '' : `${x.toFixed(1)} ms`);
  const [berth] = columns as [Column];
  const peer = columns.find((c) => c.daemon.name === 'dockerd');
  console.log(`\n${RUNS} rounds after ${WARMUP} warm-ups, interleaved; ${machineLine()}`);
  console.log(`| case | ${columns.map((c) => c.name).join(' | ')} | dockerd ÷ berth |`);
  console.log(`| --- | ${columns.map(() => '---:').join(' | ')} | ---: |`);
  const labels = [
    'first build (cold)',
    'fully cached rebuild',
    'one source file changed',
    'POST /build, cached (tar in memory)',
  ];
  for (const l of labels) {
    const b = med(berth.name, l);
    const p = peer ? med(peer.name, l) : undefined;
    const ratio = b !== undefined && p !== undefined ? `${(p / b).toFixed(2)}x` : '';
    console.log(`| ${l} | ${columns.map((c) => fmt(med(c.name, l))).join(' | ')} | ${ratio} |`);
  }
  console.log(`\nbreakdown of berth's cached rebuild (context tar: ${(tarBytes / 1024).toFixed(0)} KiB):`);
  console.log('| step | median |\n| --- | ---: |');
  for (const l of ["node -e ''", 'berth --version', 'berth config -q', 'pack the context (in-process)'])
    console.log(`| ${l} | ${fmt(med('breakdown', l))} |`);
  console.log(`| POST /build on berthd, cached (tar in memory) | ${fmt(med(berth.name, labels[3] as string))} |`);
  console.log(`| berth build, cached (whole) | ${fmt(med(berth.name, labels[1] as string))} |`);
  const cached = med(berth.name, 'fully cached rebuild') as number;
  console.log(
    `\ntarget fully cached rebuild < ${TARGET_CACHED_MS} ms (berth build, CLI included): ${cached < TARGET_CACHED_MS ? 'met' : 'NOT met'} (${cached.toFixed(1)} ms)`,
  );
}

async function main(): Promise<void> {
  const onSignal = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const daemons: Daemon[] = [];
  try {
    writeContext();
    const berthd = await startBerthd(dir);
    daemons.push(berthd);
    const dockerd = spawnSync('dockerd', ['--version']).status === 0 ? await startDockerd(dir) : undefined;
    if (dockerd) daemons.push(dockerd);
    else console.log('dockerd: not installed (apt-get install docker.io), so no dockerd column in this run');
    const plain = { ...process.env };
    delete plain.DOCKER_HOST;
    delete plain.DOCKER_BUILDKIT;
    const berthTag = `bench-build-${process.pid}/app:berth`;
    writeFileSync(
      join(ctxDir, 'compose.yaml'),
      readFileSync(join(ctxDir, 'compose.yaml'), 'utf8').replace('IMAGE', berthTag),
    );
    const dockerBuild = (tag: string): string[] => ['docker', 'build', '--network', 'none', '-t', tag, '.'];
    const columns: Column[] = [
      {
        name: 'berth build (berthd)',
        daemon: berthd,
        tag: berthTag,
        argv: [process.execPath, berthBin, '-p', `bb${process.pid}`, 'build'],
        env: { ...plain, BERTH_SOCKET: berthd.socket, BERTH_ROOT: join(dir, 'berth-root') },
      },
    ];
    const dockerOn = (d: Daemon, tag: string): Column => ({
      name: `docker build (${d.name})`,
      daemon: d,
      tag,
      argv: dockerBuild(tag),
      env: { ...plain, DOCKER_HOST: `unix://${d.socket}`, DOCKER_BUILDKIT: '0' },
    });
    columns.push(dockerOn(berthd, `bench-build-${process.pid}/app:docker`));
    if (dockerd) columns.push(dockerOn(dockerd, `bench-build-${process.pid}/app:docker`));

    const tar = join(dir, 'busybox.tar');
    writeFileSync(tar, await makeBusyboxSaveTar({ tags: [base] }));
    const baseline = new Map<Daemon, number>();
    for (const d of daemons) {
      execFileSync('docker', ['load', '-i', tar], {
        env: { ...plain, DOCKER_HOST: `unix://${d.socket}` },
        stdio: 'ignore',
      });
      baseline.set(d, (JSON.parse((await api(d.socket, 'GET', '/v1.41/images/json?all=1')).body) as unknown[]).length);
    }
    let tarBytes = 0;
    for (let i = 0; i < RUNS + WARMUP; i++) {
      const t = Date.now();
      for (const col of columns) {
        const tags = columns.filter((c) => c.daemon === col.daemon).map((c) => c.tag);
        await round(col, () => reset(col.daemon, tags, baseline.get(col.daemon) as number), i, i >= WARMUP);
      }
      // The breakdown runs on the cached state the "changed" case leaves: put src back and rebuild once first.
      writeSource('v1');
      for (const col of columns) run(col.argv, col.env, `${col.name} re-cache`);
      tarBytes = await breakdown(
        columns[0] as Column,
        columns.slice(1).filter((c) => c.daemon !== berthd),
        i >= WARMUP,
      );
      console.error(
        `round ${i + 1}/${RUNS + WARMUP}${i < WARMUP ? ' (warm-up)' : ''}: ${((Date.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    report(columns, tarBytes);
  } finally {
    for (const d of daemons) await purge(d).catch((e: unknown) => console.error(`purge ${d.name}: ${String(e)}`));
    for (const d of daemons) await stopProcess(d.process);
    await new Promise((r) => setTimeout(r, 500));
    removeBenchDir(dir);
  }
}

await main();
