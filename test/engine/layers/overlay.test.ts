// The layer store's folders are real overlayfs lowerdirs: mounted together, whiteouts hide files of lower layers
// and opaque folders hide their lower content. Needs root and overlayfs; skipped where a mount is impossible.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LayerStore } from '../../../src/engine/layers/layer-store.js';
import { busyboxLayerEntries, makeLayerTar } from '../fixtures/busybox-image.js';

function canMountOverlay(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'berth-overlay-probe-'));
  try {
    for (const d of ['l', 'u', 'w', 'm']) mkdirSync(join(dir, d));
    const opts = `lowerdir=${join(dir, 'l')},upperdir=${join(dir, 'u')},workdir=${join(dir, 'w')}`;
    const ok = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', opts, join(dir, 'm')]).status === 0;
    if (ok) spawnSync('umount', [join(dir, 'm')]);
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(canMountOverlay())('layer store folders as overlayfs lowerdirs', () => {
  let dir: string;
  let merged: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-overlay-'));
    merged = join(dir, 'merged');
  });
  afterEach(() => {
    spawnSync('umount', [merged]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('whiteouts and opaque folders hide lower content once mounted', async () => {
    const store = await LayerStore.open(join(dir, 'root'));
    const layers = [
      busyboxLayerEntries(),
      [{ name: 'usr/old', content: 'old' }],
      [
        { name: 'etc/.wh.group', content: '' },
        { name: 'bin/.wh.ls', content: '' },
        { name: 'usr/.wh..wh..opq', content: '' },
        { name: 'usr/new', content: 'new' },
      ],
    ];
    const chain: string[] = [];
    for (const entries of layers) {
      chain.push((await store.ensure(await makeLayerTar(entries), chain.at(-1), { user: 'image' })).chainId);
    }
    const lowerdir = chain
      .map((c) => store.diffDir(c))
      .reverse()
      .join(':');
    for (const d of ['upper', 'work', 'merged']) mkdirSync(join(dir, d));
    const opts = `lowerdir=${lowerdir},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`;
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', opts, merged]);
    expect(readdirSync(join(merged, 'etc'))).toEqual(['passwd']);
    expect(existsSync(join(merged, 'bin/ls'))).toBe(false);
    expect(existsSync(join(merged, 'bin/busybox'))).toBe(true);
    expect(readdirSync(join(merged, 'usr'))).toEqual(['new']);
    expect(readFileSync(join(merged, 'usr/new'), 'utf8')).toBe('new');
  });
});
