// berthd memory against dockerd+containerd in the same run: RSS idle (2 s after start-up), then after each batch of
// 50 containers that came and went: half as `docker run --rm` makes them (create with AutoRemove, wait for
// removal, start; the process exits by itself), half created, started, stopped and removed; half of each with no
// network and half on a bridge network. A leak shows as growth from one batch to the next; the batches after the
// first must level off.
// Run from the repository root, as root: npm run build && npm run bench:engine-memory
// BATCHES (default 4) and BATCH (default 50) change the run; without dockerd the peer column says n/a.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxSaveTar } from '../test/engine/fixtures/busybox-image.js';
import type { Daemon } from './lib.js';
import { ok, removeBenchDir, sleep, startBerthd, startDockerd, stopProcess } from './lib.js';

const BATCHES = Number(process.env.BATCHES ?? 4);
const BATCH = Number(process.env.BATCH ?? 50);
const image = 'bench/busybox:1';
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-mem-'));
const network = `bench-mem-${process.pid}`;

const rssKb = (pid: number): number => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // the process went away between listing and reading
  }
};

/** The daemon's own processes: berthd's one Node process; dockerd and the containerd it started. */
function daemonPids(d: Daemon): number[] {
  const pid = d.process.pid as number;
  if (d.name !== 'dockerd') return [pid];
  const out = spawnSync('pgrep', ['-P', String(pid), '-x', 'containerd'], { encoding: 'utf8' }).stdout;
  return [pid, ...out.split('\n').filter(Boolean).map(Number)];
}

const rssMiB = (d: Daemon): number => daemonPids(d).reduce((sum, pid) => sum + rssKb(pid), 0) / 1024;

/** A container that runs until stopped: create, start, stop (`-t 0`), remove, as `docker run -d` then `docker rm -f`. */
async function runStopRemove(d: Daemon, bridge: boolean): Promise<void> {
  const host = bridge ? { NetworkMode: network, Dns: ['127.0.0.1'] } : { NetworkMode: 'none' };
  const { Id } = JSON.parse(
    await ok(d.socket, 'POST', '/v1.41/containers/create', { Image: image, Cmd: ['sleep', '60'], HostConfig: host }),
  ) as { Id: string };
  await ok(d.socket, 'POST', `/v1.41/containers/${Id}/start`);
  await ok(d.socket, 'POST', `/v1.41/containers/${Id}/stop?t=0`);
  await ok(d.socket, 'DELETE', `/v1.41/containers/${Id}`);
}

/** One `docker run --rm IMG true` through the API: create with AutoRemove, wait for removal, start. */
async function runRm(d: Daemon, bridge: boolean): Promise<void> {
  const host = bridge ? { NetworkMode: network, Dns: ['127.0.0.1'] } : { NetworkMode: 'none' };
  const { Id } = JSON.parse(
    await ok(d.socket, 'POST', '/v1.41/containers/create', {
      Image: image,
      Cmd: ['true'],
      HostConfig: { ...host, AutoRemove: true },
    }),
  ) as { Id: string };
  const removed = ok(d.socket, 'POST', `/v1.41/containers/${Id}/wait?condition=removed`);
  await ok(d.socket, 'POST', `/v1.41/containers/${Id}/start`);
  await removed;
}

async function main(): Promise<void> {
  const daemons: Daemon[] = [await startBerthd(join(dir, 'b'))];
  const peer = spawnSync('dockerd', ['--version']).status === 0;
  if (peer) daemons.push(await startDockerd(join(dir, 'd')));
  const rows: Array<[string, number[]]> = [];
  try {
    await sleep(2000); // start-up work settles before idle memory is read, as bench/engine.ts does
    rows.push(['idle (2 s after start)', daemons.map(rssMiB)]);
    const tar = join(dir, 'busybox.tar');
    writeFileSync(tar, await makeBusyboxSaveTar({ tags: [image] }));
    for (const d of daemons) {
      execFileSync('docker', ['load', '-i', tar], { env: { ...process.env, DOCKER_HOST: `unix://${d.socket}` } });
      await ok(d.socket, 'POST', '/v1.41/networks/create', { Name: network, Driver: 'bridge', CheckDuplicate: true });
    }
    rows.push(['image loaded, network made', daemons.map(rssMiB)]);
    for (let b = 1; b <= BATCHES; b++) {
      const times: number[] = [];
      for (const d of daemons) {
        const t = Date.now();
        for (let i = 0; i < BATCH; i++) {
          if (i % 4 < 2) await runRm(d, i % 2 === 1);
          else await runStopRemove(d, i % 2 === 1);
        }
        times.push((Date.now() - t) / BATCH);
      }
      await sleep(2000); // background deletion and exits finish; the figure is the level, not a peak
      rows.push([`after ${b * BATCH} containers`, daemons.map(rssMiB)]);
      console.error(`batch ${b}: ${times.map((t) => `${t.toFixed(0)} ms`).join(' / ')} a container`);
    }
    for (const d of daemons) await ok(d.socket, 'DELETE', `/v1.41/networks/${network}`);
  } finally {
    for (const d of daemons) await stopProcess(d.process);
    await sleep(500);
    removeBenchDir(dir);
  }
  const [, load1, load5] = [0, ...loadavg()];
  console.log(
    `berthd memory: ${BATCHES} batches of ${BATCH} containers (half run --rm, half stopped and removed; half on a bridge); ${cpus().length} CPUs ` +
      `(${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ` +
      `load ${load1?.toFixed(2)} ${load5?.toFixed(2)}`,
  );
  console.log(`${'RSS, MiB'.padEnd(30)} ${'berthd'.padStart(8)} ${'dockerd+containerd'.padStart(20)}`);
  for (const [label, values] of rows) {
    const [b, d] = values;
    console.log(
      `${label.padEnd(30)} ${(b ?? 0).toFixed(1).padStart(8)} ${(d === undefined ? 'n/a' : d.toFixed(1)).padStart(20)}`,
    );
  }
  if (!peer) console.log('dockerd: not installed (apt-get install docker.io), so no peer figures in this run');
}

await main();
