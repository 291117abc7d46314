// Layer commit benchmark: a build step's changes written as a layer and committed as an image, against
// `tar -c | sha256sum` of the same tree in the same run (the yardstick: a node_modules step of 39,467 files
// and 379 MB took 112 s against 5.3 s). The tree is generated deterministically: FILES small files (default
// 40,000) in folders of 40, sizes spread from 64 B to ~15 KB, about 300 MB, with some symlinks and hard links.
// Each round copies the tree into a real overlay mount (an empty lower, as `RUN npm ci` writes a new folder), so the
// step's upper folder is made by overlayfs as a RUN's is, and then times on that upper folder: the yardstick (GNU
// tar to a pipe into sha256sum); the linked path (writeLayerTar with `linkInto`, then ImageStore.commit unpacking
// from the writer's headers and links: what a step did before, and still does when its folder cannot be taken);
// and the moved path a RUN step takes now (unmount and claim the upper folder, writeLayerTar settling it, then
// ImageStore.commit renaming it into the layer store).
// Run from the repository root: npm run bench:layer-commit   (RUNS, default 5; FILES, default 40000)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { claimUpper, upperFolderOf } from '../src/engine/build/claim-upper.js';
import { layerFilesOf, writeLayerTar } from '../src/engine/build/layer-tar.js';
import { ImageStore } from '../src/engine/images/image-store.js';
import { mountOverlay } from '../src/engine/runtime/overlay.js';
import { median, ms, removeBenchDir } from './lib.js';

const RUNS = Number(process.env.RUNS ?? 5);
const FILES = Number(process.env.FILES ?? 40_000);
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-layer-'));
const tree = join(dir, 'tree');

/** Writes the tree; returns its file count and bytes. Same bytes every run (content from a counter hash). */
function generate(): { files: number; bytes: number } {
  let bytes = 0;
  let block = createHash('sha256').update('seed').digest();
  const pool = Buffer.alloc(16 * 1024);
  for (let i = 0; i < pool.length; i += 32) {
    block = createHash('sha256').update(block).digest();
    block.copy(pool, i);
  }
  for (let i = 0; i < FILES; i++) {
    const folder = join(tree, `pkg-${Math.floor(i / 400)}`, `mod-${Math.floor(i / 40)}`);
    if (i % 40 === 0) mkdirSync(folder, { recursive: true });
    const size = 64 + ((i * 7919) % 15_000);
    writeFileSync(join(folder, `file-${i}.js`), pool.subarray(i % 1024, (i % 1024) + size));
    bytes += size;
    if (i % 1000 === 1) symlinkSync(`file-${i}.js`, join(folder, `link-${i}.js`));
    if (i % 1000 === 2) linkSync(join(folder, `file-${i}.js`), join(folder, `hard-${i}.js`));
  }
  return { files: FILES, bytes };
}

function yardstick(folder: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', 'tar -C "$1" -cf - . | sha256sum', 'sh', folder], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar | sha256sum failed: ${r.stderr}`);
  return ms(t0);
}

/** The tree copied into an overlay mount: its upper folder, and the mount to take it from. */
async function stepUpper(round: number): Promise<{ merged: string; upper: string }> {
  const d = join(dir, `step-${round}`);
  const [lower, upper, work, merged] = [join(d, 'lower'), join(d, 'upper'), join(d, 'work'), join(d, 'merged')];
  for (const p of [lower, upper, work]) mkdirSync(p, { recursive: true });
  await mountOverlay({ lowerdirs: [lower], upperdir: upper, workdir: work, target: merged });
  const cp = spawnSync('cp', ['-a', `${tree}/.`, merged], { encoding: 'utf8' });
  if (cp.status !== 0) throw new Error(`cp into the overlay failed: ${cp.stderr}`);
  spawnSync('sync'); // no writeback of the copy during the timed parts
  return { merged, upper };
}

interface Timing {
  total: number;
  tar: number;
  commit: number;
  digest: string;
}

async function commitTimed(
  root: string,
  layer: { file: string; written: Awaited<ReturnType<typeof writeLayerTar>>; linked: boolean },
): Promise<{ commit: number; digest: string }> {
  const images = await ImageStore.open(root);
  const t1 = process.hrtime.bigint();
  const { file, written, linked } = layer;
  const image = await images.commit({
    layer: { ...written, file, ...(linked ? { files: layerFilesOf(file) } : {}) },
    config: {},
    history: { created: '1970-01-01T00:00:00Z', created_by: 'bench' },
  });
  return { commit: ms(t1), digest: image.config.rootfs.diff_ids[0] ?? '' };
}

/** The path of a step whose upper folder cannot be taken: the writer links each file for the layer store. */
async function linked(round: number, upper: string): Promise<Timing> {
  const file = join(dir, `linked-${round}.tar`);
  const t0 = process.hrtime.bigint();
  const written = await writeLayerTar(upper, file, { mtime: 0, linkInto: layerFilesOf(file) });
  const tar = ms(t0);
  const root = join(dir, `root-linked-${round}`);
  const { commit, digest } = await commitTimed(root, { file, written, linked: true });
  const total = tar + commit;
  removeBenchDir(root); // before the moved path: its links would share the upper folder's inodes
  rmSync(layerFilesOf(file), { recursive: true, force: true });
  rmSync(file, { force: true });
  return { total, tar, commit, digest };
}

/** A RUN step's path: the upper folder claimed, settled as the tar is written, renamed into the layer store. */
async function moved(round: number, step: { merged: string; upper: string }): Promise<Timing> {
  const file = join(dir, `moved-${round}.tar`);
  const t0 = process.hrtime.bigint();
  const folder = await claimUpper(step.merged, step.upper, upperFolderOf(file));
  if (folder === undefined) throw new Error('the upper folder could not be claimed');
  const written = await writeLayerTar(folder, file, { mtime: 0, settle: true });
  if (written.settled === undefined) throw new Error('the upper folder could not be settled');
  const tar = ms(t0);
  const root = join(dir, `root-moved-${round}`);
  const { commit, digest } = await commitTimed(root, { file, written, linked: false });
  removeBenchDir(root);
  removeBenchDir(join(dir, `step-${round}`));
  rmSync(file, { force: true });
  return { total: tar + commit, tar, commit, digest };
}

async function main(): Promise<void> {
  try {
    const t0 = process.hrtime.bigint();
    const { files, bytes } = generate();
    console.log(`tree: ${files} files, ${(bytes / 1e6).toFixed(0)} MB, generated in ${(ms(t0) / 1000).toFixed(1)} s`);
    const rows: Array<{ yard: number; linked: Timing; moved: Timing }> = [];
    const digests = new Set<string>();
    yardstick(tree); // warms the page cache
    for (let round = 0; round < RUNS; round++) {
      const step = await stepUpper(round);
      const yard = yardstick(step.upper);
      const l = await linked(round, step.upper);
      const m = await moved(round, step);
      digests.add(l.digest).add(m.digest);
      rows.push({ yard, linked: l, moved: m });
      console.log(
        `round ${round + 1}: tar|sha256sum ${fmt(yard)}  linked ${fmt(l.total)} (layer tar ${fmt(l.tar)}, ` +
          `commit ${fmt(l.commit)})  moved ${fmt(m.total)} (claim + layer tar ${fmt(m.tar)}, commit ${fmt(m.commit)})`,
      );
    }
    const yard = median(rows.map((r) => r.yard));
    const med = (path: 'linked' | 'moved', k: 'total' | 'tar' | 'commit'): number =>
      median(rows.map((r) => r[path][k]));
    console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
    console.log(`medians of ${RUNS}: tar|sha256sum ${fmt(yard)}`);
    for (const path of ['linked', 'moved'] as const) {
      console.log(
        `  ${path}: ${fmt(med(path, 'total'))} (layer tar ${fmt(med(path, 'tar'))}, commit ${fmt(med(path, 'commit'))}),` +
          ` ratio to tar|sha256sum ${(med(path, 'total') / yard).toFixed(2)} (target ≤ 2)`,
      );
    }
    console.log(
      `  layer digest the same in every round and path: ${digests.size === 1 ? 'yes' : 'NO'} ${[...digests][0]}`,
    );
  } finally {
    removeBenchDir(dir);
  }
}

function fmt(msValue: number): string {
  return `${(msValue / 1000).toFixed(2)} s`;
}

await main();
