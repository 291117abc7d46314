// `berth watch` latency: from saving a file on the host to its new content being in the container, for one file
// and for a change of 1,000 files, on berthd and on Debian's dockerd in the same run, interleaved round by round.
// Run from the repository root, as root: npm run build && npm run bench:watch   (RUNS, default 30 and 5)
// Each daemon runs as its own process on its own data root and socket (bench/lib.ts); the watch runs in this
// process, as `berth watch` runs in its own. The time is taken from just before the write to the moment the sync
// of that write has returned: the engine has extracted the archive by then, so the content is readable. Every
// sample is then read back from the container (not timed) and a wrong content fails the run. Beside each save,
// the same one-file archive is PUT straight to the engine: the part of a sync that is the engine's.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeBusyboxSaveTar } from '../test/engine/fixtures/busybox-image.js';
import { watchCommand } from '../src/cli/commands/watch.js';
import { upCommand } from '../src/cli/commands/up.js';
import type { CliContext, ProjectOptions } from '../src/cli/context.js';
import type { WatchEvent } from '../src/cli/watch/actions.js';
import { connectEngine } from '../src/cli/connect.js';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { type Daemon, median, removeBenchDir, startBerthd, startDockerd, stopProcess } from './lib.js';

const RUNS_ONE = Number(process.env.RUNS ?? 30);
const RUNS_MANY = Number(process.env.RUNS_MANY ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-watch-'));
const STACK = `services:
  web:
    image: \${IMAGE}
    command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']
    develop:
      watch:
        - {action: sync, path: ./src, target: /app/src}
`;

interface Column {
  name: string;
  daemon: Daemon;
  project: string;
  projectDir: string;
  events: WatchEvent[];
  stop: AbortController;
  watching: Promise<void>;
  docker: (...args: string[]) => string;
  one: number[];
  many: number[];
  /** The engine's archive PUT of the same one-file tar, called directly: the floor of a one-file sync. */
  put: number[];
  client: Awaited<ReturnType<typeof connectEngine>>;
}

const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1] as number;

async function column(daemon: Daemon): Promise<Column> {
  const project = `bench-watch-${daemon.name}-${process.pid}`;
  const image = `${project}/busybox:1`;
  const projectDir = join(dir, daemon.name, 'project');
  mkdirSync(join(projectDir, 'src'), { recursive: true });
  writeFileSync(join(projectDir, 'compose.yaml'), STACK);
  const denv = { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` };
  const docker = (...args: string[]): string => execFileSync('docker', args, { env: denv, encoding: 'utf8' });
  writeFileSync(join(dir, `${daemon.name}.tar`), await makeBusyboxSaveTar({ tags: [image] }));
  docker('load', '-q', '-i', join(dir, `${daemon.name}.tar`));
  const env = { HOME: '/root', PATH: process.env.PATH ?? '', DOCKER_HOST: `unix://${daemon.socket}`, IMAGE: image };
  const events: WatchEvent[] = [];
  const stop = new AbortController();
  const ctx = (signal?: AbortSignal): CliContext => ({
    cwd: projectDir,
    env,
    stdout: () => undefined,
    stderr: (t) => process.stderr.write(t.startsWith('⦿') ? '' : t),
    readStdin: () => '',
    signal,
  });
  const global: ProjectOptions = { file: [], envFile: [], profile: [], projectName: project, progress: 'quiet' };
  await upCommand(ctx(), global, [], { detach: true, scale: [] });
  let ready: () => void = () => undefined;
  const started = new Promise<void>((r) => (ready = r));
  const watching = watchCommand(ctx(stop.signal), global, [], {
    up: false,
    onEvent: (e) => events.push(e),
    onReady: () => ready(),
  });
  await Promise.race([started, watching]);
  const client = await connectEngine(ctx(), global);
  return {
    name: daemon.name,
    daemon,
    project,
    projectDir,
    events,
    stop,
    watching,
    docker,
    one: [],
    many: [],
    put: [],
    client,
  };
}

/** Writes `files` (name to content) and resolves with the ms until the sync that carried the last of them. */
async function timedSave(c: Column, files: Record<string, string>): Promise<number> {
  const from = c.events.length;
  const want = Object.keys(files).length;
  const t0 = performance.now();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(c.projectDir, 'src', name), content);
  let written = 0;
  for (let seen = from; ;) {
    const e = c.events[seen];
    if (e === undefined) {
      await new Promise((r) => setImmediate(r));
      continue;
    }
    seen++;
    if (e.kind === 'failed') throw new Error(`${c.name}: ${e.message}`);
    if (e.kind === 'synced') written += e.written;
    if (written >= want) return performance.now() - t0;
  }
}

/** One archive PUT of a one-file tar straight to the engine, timed. */
async function timedPut(c: Column, content: string): Promise<number> {
  const id = c.docker('ps', '-q', '--filter', `label=com.docker.compose.project=${c.project}`).trim();
  const tar = pack();
  tar.entry({ name: 'app/src/put.txt', mode: 0o644, uid: 0, gid: 0 }, content);
  tar.finalize();
  const t0 = performance.now();
  await c.client.containers.putArchive(id, '/', tar as unknown as Readable);
  return performance.now() - t0;
}

function check(c: Column, name: string, content: string): void {
  const id = c.docker('ps', '-q', '--filter', `label=com.docker.compose.project=${c.project}`).trim();
  const seen = c.docker('exec', id, 'cat', `/app/src/${name}`);
  if (seen !== content) throw new Error(`${c.name}: /app/src/${name} is "${seen}", not "${content}"`);
}

async function main(): Promise<void> {
  const daemons: Daemon[] = [await startBerthd(join(dir, 'berthd'))];
  if (spawnSync('dockerd', ['--version']).status === 0) daemons.push(await startDockerd(join(dir, 'dockerd')));
  else console.log('dockerd is not installed: its column is left out');
  const columns: Column[] = [];
  try {
    for (const d of daemons) columns.push(await column(d));
    for (let i = 0; i < RUNS_ONE + 2; i++) {
      for (const c of columns) {
        const content = `save ${i} on ${c.name}`;
        const ms = await timedSave(c, { 'one.txt': content });
        check(c, 'one.txt', content);
        const put = await timedPut(c, content);
        if (i >= 2) {
          c.one.push(ms); // two warm-up rounds
          c.put.push(put);
        }
      }
    }
    for (let i = 0; i < RUNS_MANY + 1; i++) {
      for (const c of columns) {
        const files = Object.fromEntries(Array.from({ length: 1000 }, (_, k) => [`m${k}.txt`, `${i}:${k}`]));
        const ms = await timedSave(c, files);
        check(c, 'm999.txt', `${i}:999`);
        if (i >= 1) c.many.push(ms);
      }
    }
    console.log(
      '| engine | 1 file: median | 1 file: p95 | 1,000 files: median | 1,000 files: p95 | archive PUT alone: median |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const c of columns) {
      const f = (x: number): string => `${x.toFixed(1)} ms`;
      console.log(
        `| ${c.name} | ${f(median(c.one))} | ${f(p95(c.one))} | ${f(median(c.many))} | ${f(p95(c.many))} | ${f(median(c.put))} |`,
      );
    }
    console.log(`(${RUNS_ONE} one-file saves and ${RUNS_MANY} 1,000-file changes per engine)`);
  } finally {
    for (const c of columns) {
      c.stop.abort();
      c.client.close();
      await c.watching.catch(() => undefined);
      try {
        const ids = c.docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${c.project}`).trim();
        if (ids) c.docker('rm', '-f', ...ids.split('\n'));
        c.docker('network', 'rm', `${c.project}_default`);
      } catch {
        // the daemon goes with its folder below
      }
    }
    for (const d of daemons) await stopProcess(d.process);
    removeBenchDir(dir);
  }
}

await main();
