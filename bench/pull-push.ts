// Registry pull and push benchmark (issue 11): `docker pull` and `docker push` of a 5-layer, ~100 MB image from and
// to Debian's docker-registry on 127.0.0.1 (plain HTTP), against berthd and against Debian's dockerd in the same run.
// The image: 5 gzip layers of ~20 MB each, files of pseudo-random bytes (AES-CTR from a fixed seed) mixed with text,
// so gzip barely shrinks them and every run pushes and pulls the same bytes. It is loaded into berthd and pushed once
// to the registry, so both engines pull the same manifest.
// Pull round: the image removed from both engines (`docker rmi`, `docker image prune -a -f`, then a check that the
// engine's data root holds none of its layers), then `docker pull` timed on each, the order alternating by round.
// Push round: a fresh registry (empty storage, new port) per engine and round, `docker tag` to it, `docker push`
// timed, so every blob is uploaded (no HEAD hit, no cross-repository mount).
// Run from the repository root, as root: npm run build && npm run bench:pull-push   (RUNS, default 5)
import { execFile, spawn } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startRegistry, type TestRegistry } from '../test/engine/registry/registry-server.js';
import { type FixtureImage, makeLayerTar, makeSaveTar, sha256 } from '../test/engine/fixtures/busybox-image.js';
import { type Daemon, median, ms, removeBenchDir, startBerthd, startDockerd, stopProcess } from './lib.js';

const RUNS = Number(process.env.RUNS ?? 5);
const LAYERS = 5;
const FILES_PER_LAYER = 24; // of 1 MiB each: ~20 MB of gzip per layer
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-pull-'));

/** `docker ARGS` against `daemon`; rejects with the CLI's output when it fails. Async: the registry's log pipe
 * must keep draining while a pull runs. */
function docker(daemon: Daemon, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      args,
      {
        env: { ...process.env, DOCKER_HOST: `unix://${daemon.socket}`, DOCKER_CONFIG: join(dir, 'docker-config') },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        err ? reject(new Error(`docker ${args.join(' ')} on ${daemon.name}: ${stdout}${stderr}`)) : resolve(stdout),
    );
  });
}

/** 1 MiB: three quarters pseudo-random bytes, one quarter text lines, in 4 KiB pieces. */
function fileContent(layer: number, file: number): Buffer {
  const key = createHash('sha256').update(`berth-bench-pull ${layer} ${file}`).digest();
  const random = createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(1 << 20));
  for (let at = 0; at < random.length; at += 16 * 1024) {
    const text = Buffer.from(`layer ${layer} file ${file} offset ${at}: the quick brown fox jumps over the lazy dog\n`);
    for (let i = at; i < at + 4096; i += text.length) text.copy(random, i, 0, Math.min(text.length, at + 4096 - i));
  }
  return random;
}

async function makeImage(tag: string): Promise<FixtureImage> {
  const tars: Buffer[] = [];
  for (let l = 0; l < LAYERS; l++) {
    const entries = [{ name: `data${l}/`, type: 'directory' as const }];
    const files = Array.from({ length: FILES_PER_LAYER }, (_, f) => ({
      name: `data${l}/file-${f}.bin`,
      content: fileContent(l, f),
    }));
    tars.push(await makeLayerTar([...entries, ...files]));
  }
  const diffIds = tars.map((t) => sha256(t));
  const created = '2024-01-01T00:00:00Z';
  const config = Buffer.from(
    JSON.stringify({
      architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
      os: 'linux',
      created,
      config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: tars.map((_, i) => ({ created, created_by: `COPY data${i} /data${i}` })),
    }),
  );
  const layers = tars.map((t) => gzipSync(t));
  return { config, configDigest: sha256(config), layers, diffIds, tags: [tag] };
}

/** Files and folders under `root` whose name holds one of `hexes` (blobs, layers, their metadata), except the
 * registry-digest caches both engines may keep (dockerd's distribution/ folder maps digests to diffIDs only). */
function leftovers(root: string, hexes: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.name === 'distribution' || e.name === 'tmp') continue;
      if (hexes.some((h) => e.name.includes(h))) found.push(p);
      if (e.isDirectory() && !e.isSymbolicLink()) walk(p);
    }
  };
  if (existsSync(root)) walk(root);
  return found;
}

/** Removes the image and every unused layer, and checks that nothing of it is left in the engine's store. */
async function removeImage(d: Daemon, refs: readonly string[], dataRoot: string, hexes: string[]): Promise<void> {
  for (const ref of refs) await docker(d, ['rmi', '-f', ref]).catch(() => undefined);
  await docker(d, ['image', 'prune', '-a', '-f']);
  const left = leftovers(dataRoot, hexes);
  if (left.length > 0) throw new Error(`${d.name} still holds the image's layers: ${left.slice(0, 5).join(', ')}`);
  // dockerd's layer store: no layer at all (this daemon never had another image)
  const layerdb = join(dataRoot, 'image');
  if (existsSync(layerdb)) {
    for (const driver of readdirSync(layerdb)) {
      const db = join(layerdb, driver, 'layerdb', 'sha256');
      if (existsSync(db) && readdirSync(db).length > 0) throw new Error(`dockerd's layer store is not empty: ${db}`);
    }
  }
}

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

interface Engine {
  daemon: Daemon;
  dataRoot: string;
  pulls: number[];
  pushes: number[];
}

async function main(): Promise<void> {
  const registries: TestRegistry[] = [];
  const daemons: Daemon[] = [];
  const loads: string[] = [load()];
  try {
    mkdirSync(join(dir, 'docker-config'));
    const registry = await startRegistry(join(dir, 'registry'));
    registries.push(registry);
    const ref = `${registry.host}/bench/pull:1`;
    const t0 = process.hrtime.bigint();
    const image = await makeImage(ref);
    const bytes = image.layers.reduce((n, l) => n + l.length, 0);
    const raw = FILES_PER_LAYER * LAYERS * (1 << 20);
    writeFileSync(join(dir, 'image.tar'), await makeSaveTar([image]));
    console.log(
      `image: ${LAYERS} gzip layers, ${(bytes / 1e6).toFixed(1)} MB compressed (${(raw / 1e6).toFixed(1)} MB ` +
        `uncompressed), made in ${(ms(t0) / 1000).toFixed(1)} s`,
    );
    const hexes = [...image.layers.map((l) => sha256(l)), ...image.diffIds, image.configDigest].map((d) =>
      d.slice('sha256:'.length),
    );

    const berthDir = join(dir, 'berthd');
    const dockerDir = join(dir, 'dockerd');
    mkdirSync(berthDir);
    mkdirSync(dockerDir);
    const berthd = await startBerthd(berthDir);
    daemons.push(berthd);
    const dockerd = await startDockerd(dockerDir);
    daemons.push(dockerd);
    const engines: Engine[] = [
      { daemon: berthd, dataRoot: join(berthDir, 'berth-root'), pulls: [], pushes: [] },
      { daemon: dockerd, dataRoot: join(dockerDir, 'docker', 'data'), pulls: [], pushes: [] },
    ];
    console.log(`dockerd storage driver: ${(await docker(dockerd, ['info', '-f', '{{.Driver}}'])).trim()}`);

    await docker(berthd, ['load', '-i', join(dir, 'image.tar')]);
    const pushed = await docker(berthd, ['push', ref]);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1] ?? '?';
    console.log(`pushed once through berthd: ${ref}@${digest}`);

    const pushRefs: Map<Engine, string[]> = new Map(engines.map((e) => [e, []]));
    for (let round = 0; round < RUNS; round++) {
      const order = round % 2 === 0 ? engines : [...engines].reverse();
      for (const e of order) await removeImage(e.daemon, [ref, ...(pushRefs.get(e) ?? [])], e.dataRoot, hexes);
      const line: string[] = [];
      for (const e of order) {
        const t = process.hrtime.bigint();
        const out = await docker(e.daemon, ['pull', ref]);
        e.pulls.push(ms(t));
        if (!out.includes(`Digest: ${digest}`)) throw new Error(`${e.daemon.name} pulled another digest: ${out}`);
        line.push(`${e.daemon.name} ${fmt(e.pulls.at(-1) ?? 0)}`);
      }
      loads.push(load());
      for (const e of order) {
        const target = await startRegistry(join(dir, `push-${round}-${e.daemon.name}`));
        registries.push(target);
        const pushRef = `${target.host}/bench/push-${e.daemon.name}:${round}`;
        pushRefs.get(e)?.push(pushRef);
        await docker(e.daemon, ['tag', ref, pushRef]);
        const t = process.hrtime.bigint();
        const out = await docker(e.daemon, ['push', pushRef]);
        e.pushes.push(ms(t));
        // dockerd keeps no compressed blobs: it compresses the layers again, so its manifest digest differs
        if (round === 0 && !out.includes(`digest: ${digest}`))
          console.log(`  (${e.daemon.name} pushed ${/digest: \S+/.exec(out)})`);
        line.push(`push ${e.daemon.name} ${fmt(e.pushes.at(-1) ?? 0)}`);
        await target.stop();
        removeBenchDir(join(dir, `push-${round}-${e.daemon.name}`));
      }
      loads.push(load());
      console.log(`round ${round + 1} (${order[0]?.daemon.name} first): ${line.join('  ')}`);
    }

    if (process.env.TIMELINE === '1') {
      for (const e of engines) {
        await removeImage(e.daemon, [ref, ...(pushRefs.get(e) ?? [])], e.dataRoot, hexes);
        console.log(`\ntimeline of one more pull on ${e.daemon.name} (ms since start):`);
        for (const l of await timeline(e.daemon, ref)) console.log(`  ${l}`);
      }
    }
    const [b, d] = engines as [Engine, Engine];
    console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
    const ones = loads.map((l) => Number(l.split(' ')[0]));
    console.log(`load average: ${loads[0]} before; 1-min ${Math.min(...ones)}–${Math.max(...ones)} during the rounds`);
    console.log(`medians of ${RUNS}:`);
    const pullRatio = median(d.pulls) / median(b.pulls);
    const pushRatio = median(d.pushes) / median(b.pushes);
    console.log(`  pull: berthd ${fmt(median(b.pulls))}, dockerd ${fmt(median(d.pulls))}, dockerd ÷ berthd ` +
      `${pullRatio.toFixed(2)} (target ≥ 1.5: ${pullRatio >= 1.5 ? 'met' : 'NOT met'})`); // prettier-ignore
    console.log(`  push: berthd ${fmt(median(b.pushes))}, dockerd ${fmt(median(d.pushes))}, dockerd ÷ berthd ` +
      `${pushRatio.toFixed(2)} (target ≥ 1: ${pushRatio >= 1 ? 'met' : 'NOT met'})`); // prettier-ignore
    console.log(`  pull rounds: berthd ${b.pulls.map(fmt).join(', ')}; dockerd ${d.pulls.map(fmt).join(', ')}`);
    console.log(`  push rounds: berthd ${b.pushes.map(fmt).join(', ')}; dockerd ${d.pushes.map(fmt).join(', ')}`);
  } finally {
    for (const r of registries) await r.stop().catch(() => undefined);
    for (const daemon of daemons.reverse()) await stopProcess(daemon.process);
    removeBenchDir(dir);
  }
}

/** `docker pull` with the time of each line of progress the CLI prints (without a terminal: one line a status). */
function timeline(daemon: Daemon, ref: string): Promise<string[]> {
  const t0 = process.hrtime.bigint();
  const lines: string[] = [];
  const child = spawn('docker', ['pull', ref], {
    env: { ...process.env, DOCKER_HOST: `unix://${daemon.socket}`, DOCKER_CONFIG: join(dir, 'docker-config') },
  });
  let rest = '';
  child.stdout.on('data', (c: Buffer) => {
    const parts = (rest + c.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts)
      if (!/Downloading|Extracting|Waiting/.test(p)) lines.push(`${ms(t0).toFixed(0).padStart(6)} ${p}`);
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`pull on ${daemon.name}: ${code}`)))),
  );
}

function fmt(msValue: number): string {
  return `${(msValue / 1000).toFixed(2)} s`;
}

await main();
