// Contract of berthd's layer store: one folder per ChainID, unpacked once however many images share it,
// reference-counted by image, deleted with its last user.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainIdOf, chainIdsOf } from '../../../src/engine/layers/chain-id.js';
import { LayerStore } from '../../../src/engine/layers/layer-store.js';
import { busyboxLayerEntries, makeLayerTar, sha256 } from '../fixtures/busybox-image.js';

let root: string;
let base: Buffer;
let app: Buffer;
beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'berth-layers-'));
  base = await makeLayerTar(busyboxLayerEntries());
  app = await makeLayerTar([{ name: 'app/hello.txt', content: 'hello\n' }]);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A source that fails the test if anything reads it. */
const unreadable = (): Readable =>
  new Readable({
    read() {
      this.destroy(new Error('the layer was read although it is already unpacked'));
    },
  });
const layerDirs = (): string[] => readdirSync(join(root, 'layers'));
const duBytes = (path: string): number =>
  Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);

describe('layer store contract', () => {
  it('ChainIDs follow the OCI definition', () => {
    const [d0, d1] = [sha256('a'), sha256('b')];
    expect(chainIdOf(undefined, d0)).toBe(d0);
    expect(chainIdsOf([d0, d1])).toEqual([d0, sha256(`${d0} ${d1}`)]);
  });

  it('two images sharing a base store and unpack it once, and du counts it once', async () => {
    const store = await LayerStore.open(root);
    const first = await store.ensure(base, undefined, { user: 'image-a' });
    expect(first.chainId).toBe(sha256(base));
    const again = await store.ensure(unreadable(), undefined, { user: 'image-b', diffId: sha256(base) });
    expect(again.users).toEqual(['image-a', 'image-b']);
    const top = await store.ensure(Readable.from([app]), first.chainId, { user: 'image-b', diffId: sha256(app) });
    expect(top.chainId).toBe(chainIdOf(first.chainId, sha256(app)));
    expect(layerDirs().sort()).toEqual([first.chainId, top.chainId].map((c) => c.slice(7)).sort());
    const busybox = statSync('/usr/bin/busybox').size;
    expect(duBytes(join(root, 'layers'))).toBeLessThan(busybox * 1.5);
    expect(readFileSync(join(store.diffDir(top.chainId), 'app/hello.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(store.diffDir(first.chainId), 'bin/busybox')).length).toBe(busybox);
    expect(store.size(first.chainId)).toBeGreaterThanOrEqual(busybox);
  });

  it('concurrent ensures of one layer unpack it once and record every user', async () => {
    const store = await LayerStore.open(root);
    const users = ['a', 'b', 'c', 'd'];
    let reads = 0;
    const counted = (): Readable =>
      new Readable({
        read() {
          reads++;
          this.push(base);
          this.push(null);
        },
      });
    const ensureAs = (user: string) => store.ensure(counted(), undefined, { user, diffId: sha256(base) });
    const results = await Promise.all(users.map(ensureAs));
    expect(reads).toBe(1);
    expect(new Set(results.map((r) => r.chainId)).size).toBe(1);
    expect(store.get(sha256(base))?.users).toEqual(users);
    expect(layerDirs()).toEqual([sha256(base).slice(7)]);
  });

  it('release deletes a layer only with its last user, and users survive a reopen', async () => {
    const store = await LayerStore.open(root);
    const { chainId } = await store.ensure(base, undefined, { user: 'image-a' });
    await store.ensure(base, undefined, { user: 'image-b', diffId: chainId });
    expect(await store.release([chainId], 'image-a')).toEqual([]);
    const reopened = await LayerStore.open(root);
    expect(reopened.get(chainId)?.users).toEqual(['image-b']);
    expect(await reopened.release([chainId], 'image-b')).toEqual([chainId]);
    expect(reopened.has(chainId)).toBe(false);
    expect(layerDirs()).toEqual([]);
    expect(() => reopened.diffDir(chainId)).toThrow(expect.objectContaining({ code: 'ENGINE_LAYER_NOT_FOUND' }));
  });

  it('a layer that does not match its diffID is refused and leaves nothing', async () => {
    const store = await LayerStore.open(root);
    await expect(store.ensure(app, undefined, { user: 'x', diffId: sha256(base) })).rejects.toMatchObject({
      code: 'ENGINE_DIFFID_MISMATCH',
    });
    expect(layerDirs()).toEqual([]);
    expect(store.list()).toEqual([]);
  });

  it('reconcile forgets users that no longer exist and deletes the layers left unused', async () => {
    const store = await LayerStore.open(root);
    const kept = await store.ensure(base, undefined, { user: 'live' });
    await store.ensure(base, undefined, { user: 'gone', diffId: kept.chainId });
    const orphan = await store.ensure(app, undefined, { user: 'gone' });
    expect(await store.reconcile(new Set(['live']))).toEqual([orphan.chainId]);
    expect(store.get(kept.chainId)?.users).toEqual(['live']);
    expect(layerDirs()).toEqual([kept.chainId.slice(7)]);
  });
});
