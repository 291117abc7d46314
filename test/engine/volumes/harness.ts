// A berthd of its own for a volume test file: temp data root and socket, the docker CLI pointed at it, a fixture
// image loaded, and a cleanup that removes every container and volume it made and checks nothing stays mounted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Berthd } from '../../../src/engine/daemon/berthd.js';
import { runDocker } from '../docker-cli.js';
import { startBerthd } from '../../../src/engine/daemon/berthd.js';
import type { FixtureImage, LayerEntry } from '../fixtures/busybox-image.js';
import { makeBusyboxImage, makeSaveTar, sha256 } from '../fixtures/busybox-image.js';

export const hasRuncAndDocker =
  spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

export interface DockerResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Harness {
  dir: string;
  daemon: Berthd;
  docker: (...args: string[]) => Promise<DockerResult>;
  /** close, then start again on the same root and socket. */
  restart: () => Promise<void>;
  /** Mount points (from /proc/self/mountinfo) under the harness's temp folder. */
  mountsUnderDir: () => string[];
  cleanup: () => Promise<void>;
}

export async function startHarness(prefix: string): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-${process.pid}-`));
  const opts = { root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') };
  const h: Harness = {
    dir,
    daemon: await startBerthd(opts),
    docker: (...args) => runDocker(h.daemon.socket, args),
    restart: async () => {
      await h.daemon.close();
      h.daemon = await startBerthd(opts);
    },
    mountsUnderDir: () =>
      readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[4] ?? '')
        .filter((p) => p === dir || p.startsWith(`${dir}/`)),
    cleanup: async () => {
      const ids = (await h.docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await h.docker('rm', '-f', '-v', ...ids);
      const volumes = (await h.docker('volume', 'ls', '-q')).stdout.split('\n').filter(Boolean);
      if (volumes.length > 0) await h.docker('volume', 'rm', '-f', ...volumes);
      await h.daemon.close();
      // Never delete through a mount: unmount whatever is left first (the test then fails on it).
      for (const m of h.mountsUnderDir().reverse()) spawnSync('umount', ['-l', m]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Loads `image` (a save tarball written beside the root) into the harness's berthd. */
export async function loadImage(h: Harness, image: FixtureImage): Promise<void> {
  const file = join(h.dir, `${sha256(image.config).slice(7, 19)}.tar`);
  writeFileSync(file, await makeSaveTar([image]));
  const r = await h.docker('load', '-i', file);
  if (r.code !== 0) throw new Error(`docker load: ${r.stderr}`);
}

/** The busybox fixture with extra layers and a config that declares `volumes` (Dockerfile VOLUME). */
export async function makeVolumeImage(opts: {
  tag: string;
  layers: LayerEntry[][];
  volumes?: string[];
}): Promise<FixtureImage> {
  const base = await makeBusyboxImage({ tags: [opts.tag], extraLayers: opts.layers });
  const config = JSON.parse(base.config.toString('utf8')) as { config: Record<string, unknown> };
  if (opts.volumes) config.config.Volumes = Object.fromEntries(opts.volumes.map((v) => [v, {}]));
  const bytes = Buffer.from(JSON.stringify(config));
  return { ...base, config: bytes, configDigest: sha256(bytes) };
}
