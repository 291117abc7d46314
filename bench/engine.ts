// berthd benchmark: API create -> process running, `run --rm IMG true` through the API and through the docker
// CLI, against the floor of raw `runc run` on the same rootfs and against Debian's dockerd, all in the same run,
// interleaved round by round; and idle memory of both daemons.
// Run from the repository root, as root: npm run build && npm run bench:engine
// Each daemon gets its own temporary data root and socket. dockerd (apt-get install docker.io) runs with
// --bridge=none --iptables=false, and the containers of both engines with NetworkMode none (loopback only), so this
// measures container start alone. Without dockerd the peer rows are left out and the output says so.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxSaveTar } from '../test/engine/fixtures/busybox-image.js';
import { median, ms, ok, startDockerd as startDockerdProcess, waitForSocket, removeBenchDir } from './lib.js';

const RUNS = Number(process.env.RUNS ?? 15);
const WARMUP = 2;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-engine-'));
const image = 'bench/busybox:1';

interface Engine {
  name: string;
  socket: string;
  process: ChildProcess;
  hostConfig: Record<string, unknown>;
  /** Processes whose RSS make up the daemon (dockerd also runs containerd). */
  rssPids: () => number[];
}

const rssKb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** berthd from this checkout, or as `name` from another build's bin/berthd.js (BERTHD_BEFORE). */
async function startBerthd(name = 'berthd', bin = join(process.cwd(), 'bin/berthd.js')): Promise<Engine> {
  const socket = join(dir, `${name}.sock`);
  const child = spawn(process.execPath, [bin], {
    env: { ...process.env, BERTH_ROOT: join(dir, `${name}-root`), BERTH_SOCKET: socket },
    stdio: 'ignore',
  });
  await waitForSocket(socket, name);
  return {
    name,
    socket,
    process: child,
    hostConfig: { NetworkMode: 'none' },
    rssPids: () => [child.pid as number],
  };
}

function hasDockerd(): boolean {
  return spawnSync('dockerd', ['--version']).status === 0;
}

async function startDockerd(): Promise<Engine> {
  const { socket, process: child } = await startDockerdProcess(dir);
  const containerdPid = (): number[] => {
    const out = spawnSync('pgrep', ['-P', String(child.pid), 'containerd'], { encoding: 'utf8' }).stdout;
    return out.split('\n').filter(Boolean).map(Number);
  };
  return {
    name: 'dockerd',
    socket,
    process: child,
    hostConfig: { NetworkMode: 'none' },
    rssPids: () => [child.pid as number, ...containerdPid()],
  };
}

async function stop(engine: Engine): Promise<void> {
  if (engine.process.exitCode !== null) return;
  const exited = new Promise((r) => engine.process.once('exit', r));
  engine.process.kill('SIGTERM');
  await exited;
}

interface Figures {
  createToRunning: number[];
  apiRunRm: number[];
  cliRunRm: number[];
}

/** One round on `engine`; `started` sees the create + start container's id while it still runs. */
async function round(
  engine: Engine,
  figures: Figures,
  opts: { keep: boolean; started?: (id: string) => void },
): Promise<void> {
  const { keep } = opts;
  const s = engine.socket;
  let t = process.hrtime.bigint();
  const created = JSON.parse(
    await ok(s, 'POST', '/v1.41/containers/create', {
      Image: image,
      Cmd: ['sleep', '30'],
      HostConfig: engine.hostConfig,
    }),
  ) as { Id: string };
  await ok(s, 'POST', `/v1.41/containers/${created.Id}/start`);
  if (keep) figures.createToRunning.push(ms(t));
  opts.started?.(created.Id);
  await ok(s, 'DELETE', `/v1.41/containers/${created.Id}?force=1`);

  t = process.hrtime.bigint();
  const c = JSON.parse(
    await ok(s, 'POST', '/v1.41/containers/create', {
      Image: image,
      Cmd: ['true'],
      HostConfig: { ...engine.hostConfig, AutoRemove: true },
    }),
  ) as { Id: string };
  const waited = ok(s, 'POST', `/v1.41/containers/${c.Id}/wait?condition=removed`);
  await ok(s, 'POST', `/v1.41/containers/${c.Id}/start`);
  await waited;
  if (keep) figures.apiRunRm.push(ms(t));

  t = process.hrtime.bigint();
  const network = engine.hostConfig.NetworkMode ? ['--network', String(engine.hostConfig.NetworkMode)] : [];
  const r = spawnSync('docker', ['run', '--rm', ...network, image, 'true'], {
    env: { ...process.env, DOCKER_HOST: `unix://${s}` },
    stdio: 'ignore',
  });
  if (r.status !== 0) throw new Error(`docker run --rm against ${engine.name} exited ${r.status}`);
  if (keep) figures.cliRunRm.push(ms(t));
}

/**
 * The second floor: `runc run` of berthd's own bundle, the config.json it wrote for container `id` (seccomp
 * filter, masked paths, its mounts and namespaces), on the plain rootfs of the first floor with `/bin/true` as
 * its process. The spec's own work (a seccomp filter, a network namespace) costs runc ~15 ms more than `runc
 * spec`'s default, and this floor counts it as the engine's floor, not as berthd's overhead.
 */
function sameBundleFloor(id: string, plain: string): string {
  const bundle = join(dir, 'bundle-berthd');
  mkdirSync(bundle, { recursive: true });
  const spec = JSON.parse(readFileSync(join(dir, 'berthd-root', 'containers', id, 'config.json'), 'utf8'));
  spec.root = { path: join(plain, 'rootfs'), readonly: false };
  spec.process.args = ['/bin/true'];
  for (const m of spec.mounts as Array<{ destination: string; source: string }>) {
    const file = /^\/etc\/(hosts|hostname|resolv\.conf)$/.exec(m.destination)?.[1];
    if (file) {
      m.source = join(bundle, file);
      writeFileSync(m.source, '');
    }
  }
  spec.linux.cgroupsPath = `/berth-bench-floor-${process.pid}`;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

function runcRun(bundle: string, id: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync('runc', ['--root', join(dir, 'runc-floor'), 'run', id], { cwd: bundle });
  if (r.status !== 0) throw new Error(`runc run failed: ${r.stderr.toString()}`);
  return ms(t);
}

function runcFloorBundle(): string {
  // Floor: runc run of `true` on a plain busybox rootfs (no overlay, no monitor, no API, no network namespace setup).
  const bundle = join(dir, 'bundle');
  mkdirSync(join(bundle, 'rootfs', 'bin'), { recursive: true });
  cpSync('/usr/bin/busybox', join(bundle, 'rootfs', 'bin', 'busybox'));
  symlinkSync('busybox', join(bundle, 'rootfs', 'bin', 'true'));
  execFileSync('runc', ['spec'], { cwd: bundle });
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  spec.process.terminal = false;
  spec.process.args = ['/bin/true'];
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

async function main(): Promise<void> {
  const engines: Engine[] = [await startBerthd()];
  // BERTHD_BEFORE=OTHER/bin/berthd.js: another build (before a change) in the same interleaved run.
  const before = process.env.BERTHD_BEFORE;
  if (before) engines.push(await startBerthd('berthd-before', before));
  const peer = hasDockerd();
  if (peer) engines.push(await startDockerd());
  try {
    await new Promise((r) => setTimeout(r, 2000)); // let start-up work settle before reading idle memory
    const idle = new Map(engines.map((e) => [e.name, e.rssPids().reduce((sum, pid) => sum + rssKb(pid), 0)]));
    const tar = join(dir, 'busybox.tar');
    writeFileSync(tar, await makeBusyboxSaveTar({ tags: [image] }));
    for (const e of engines) {
      execFileSync('docker', ['load', '-i', tar], { env: { ...process.env, DOCKER_HOST: `unix://${e.socket}` } });
    }
    const bundle = runcFloorBundle();
    const floor: number[] = [];
    const figures = new Map<string, Figures>(
      engines.map((e) => [e.name, { createToRunning: [], apiRunRm: [], cliRunRm: [] }]),
    );
    const floorSame: number[] = [];
    let sameBundle: string | undefined;
    for (let i = 0; i < RUNS + WARMUP; i++) {
      const keep = i >= WARMUP;
      const plain = runcRun(bundle, `floor-${i}`);
      const same = sameBundle ? runcRun(sameBundle, `floor-same-${i}`) : 0;
      if (keep) floor.push(plain);
      if (keep) floorSame.push(same);
      for (const e of engines) {
        await round(e, figures.get(e.name) as Figures, {
          keep,
          started: (id) => {
            if (e.name === 'berthd' && !sameBundle) sameBundle = sameBundleFloor(id, bundle);
          },
        });
      }
    }

    const f = median(floor);
    const fSame = median(floorSame);
    console.log(
      `berthd engine benchmark: ${RUNS} rounds after ${WARMUP} warm-ups, interleaved; ${cpus().length} CPUs, ` +
        `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    );
    console.log(`runc run true (floor): ${f.toFixed(1)} ms`);
    console.log(`runc run true of berthd's bundle (same-bundle floor): ${fSame.toFixed(1)} ms`);
    const b = figures.get('berthd') as Figures;
    const d = figures.get('dockerd');
    const rows: Array<[string, keyof Figures]> = [
      ['API create + start (to process running)', 'createToRunning'],
      ['API run --rm true (create, wait removed, start)', 'apiRunRm'],
      ['docker run --rm IMG true (docker CLI)', 'cliRunRm'],
    ];
    const pad = (x: string | number | undefined, n: number): string =>
      (typeof x === 'number' ? x.toFixed(1) : (x ?? 'n/a')).padStart(n);
    console.log(
      `${'case'.padEnd(50)} ${pad('berthd', 9)} ${pad('+floor', 8)} ${pad('+same', 8)} ${pad('before', 9)} ` +
        `${pad('dockerd', 9)} ratio`,
    );
    for (const [label, key] of rows) {
      const bm = median(b[key]);
      const prev = figures.get('berthd-before');
      const dm = d ? median(d[key]) : undefined;
      console.log(
        `${label.padEnd(50)} ${pad(bm, 9)} ${pad(`+${(bm - f).toFixed(1)}`, 8)} ${pad(`+${(bm - fSame).toFixed(1)}`, 8)} ` +
          `${pad(prev ? median(prev[key]) : undefined, 9)} ${pad(dm, 9)} ` +
          `${dm === undefined ? '' : `${(dm / bm).toFixed(2)}x`}`,
      );
    }
    for (const [name, kb] of idle) console.log(`idle ${name} RSS: ${(kb / 1024).toFixed(1)} MiB`);
    if (!peer) console.log('dockerd: not installed (apt-get install docker.io), so no peer figures in this run');
  } finally {
    for (const e of engines) await stop(e);
    await new Promise((r) => setTimeout(r, 500));
    removeBenchDir(dir);
  }
}

await main();
