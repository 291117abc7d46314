// The image store after loading: resolving references as Docker does, tagging, removing with Docker's rmi
// semantics, pruning, history, save/load round trips and docker import.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageStore } from '../../../src/engine/images/image-store.js';
import {
  busyboxLayerEntries,
  makeAppImage,
  makeBusyboxImage,
  makeBusyboxSaveTar,
  makeLayerTar,
  makeSaveTar,
} from '../fixtures/busybox-image.js';
import { type Sandbox, loadTar, makeSandbox, saveToBuffer, tarNames } from './image-test-kit.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.dispose());

async function withBusybox(opts: { isInUse?: (id: string) => boolean } = {}): Promise<[ImageStore, string]> {
  const store = await box.open(opts);
  await loadTar(store, await makeBusyboxSaveTar());
  return [store, (await makeBusyboxImage()).configDigest];
}

describe('image store: resolve', () => {
  it('resolves names, tags and IDs the way Docker does', async () => {
    const [store, id] = await withBusybox();
    const hex = id.slice(7);
    for (const ref of ['busybox', 'busybox:latest', 'library/busybox', 'docker.io/library/busybox:latest', 'index.docker.io/library/busybox', id, hex, `sha256:${hex.slice(0, 12)}`, hex.slice(0, 12), hex.slice(0, 5)]) {
      expect(store.resolve(ref)?.id, ref).toBe(id);
    } // prettier-ignore
    for (const ref of ['busybox:1', 'other', 'docker.io/other/busybox', 'sha256:0000', 'localhost:5000/busybox']) {
      expect(store.resolve(ref), ref).toBeUndefined();
    }
  });

  it('refuses malformed references with invalid ENGINE_BAD_REFERENCE', async () => {
    const [store] = await withBusybox();
    for (const ref of ['BusyBox', 'busybox:', 'busy box', 'busybox@sha256:short', ':latest']) {
      expect(() => store.resolve(ref), ref).toThrow(
        expect.objectContaining({ kind: 'invalid', code: 'ENGINE_BAD_REFERENCE' }),
      );
    }
  });

  it('keeps registry hosts and ports in names', async () => {
    const store = await box.open();
    await loadTar(store, await makeBusyboxSaveTar({ tags: ['localhost:5000/team/busybox:2'] }));
    expect(store.list()[0]?.repoTags).toEqual(['localhost:5000/team/busybox:2']);
    expect(store.resolve('localhost:5000/team/busybox:2')).toBeDefined();
    expect(store.resolve('team/busybox:2')).toBeUndefined();
  });
});

describe('image store: tag and remove', () => {
  it('tag adds a name, and moves it when another image had it', async () => {
    const [store, id] = await withBusybox();
    store.tag('busybox', 'mybox:1');
    store.tag(id, 'docker.io/library/other');
    expect(store.resolve('busybox')?.repoTags).toEqual(['busybox:latest', 'mybox:1', 'other:latest']);
    await loadTar(store, await makeSaveTar([await makeAppImage()]));
    store.tag('app:1', 'mybox:1');
    expect(store.resolve('mybox:1')?.repoTags).toEqual(['app:1', 'mybox:1']);
    expect((await box.open()).resolve('mybox:1')?.repoTags).toEqual(['app:1', 'mybox:1']);
    expect(() => store.tag('missing', 'x')).toThrow(
      expect.objectContaining({ kind: 'not-found', code: 'ENGINE_NO_SUCH_IMAGE' }),
    );
  });

  it('remove untags while other names remain, then deletes the image, its layers and its blobs', async () => {
    const [store, id] = await withBusybox();
    store.tag('busybox', 'second:1');
    expect(await store.remove('second:1')).toEqual({ untagged: ['second:1'], deleted: [] });
    expect(store.resolve('busybox')).toBeDefined();
    const chainId = store.resolve('busybox')?.chainIds[0];
    expect(await store.remove('busybox')).toEqual({ untagged: ['busybox:latest'], deleted: [id, chainId] });
    expect(store.list()).toEqual([]);
    expect(box.layerDirs()).toEqual([]);
    expect(box.blobs()).toEqual([]);
    await expect(store.remove('busybox')).rejects.toMatchObject({ kind: 'not-found', code: 'ENGINE_NO_SUCH_IMAGE' });
  });

  it('removing an image frees only the layers no other image shares', async () => {
    const [store, busyboxId] = await withBusybox();
    await loadTar(store, await makeSaveTar([await makeAppImage()]));
    const app = store.resolve('app:1');
    const result = await store.remove('app:1');
    expect(result.deleted).toEqual([app?.id, app?.chainIds[1]]);
    expect(box.layerDirs()).toEqual([app?.chainIds[0]?.slice(7)]);
    expect(existsSync(join(store.rootfsLayers(busyboxId)[0] ?? '', 'bin/busybox'))).toBe(true);
    expect(box.blobs().sort()).toEqual(
      [busyboxId, ...(store.resolve('busybox')?.layers.map((l) => l.digest) ?? [])].map((d) => d.slice(7)).sort(),
    );
  });

  it('remove by ID untags every name of one repository and deletes; several repositories need force', async () => {
    const [store, id] = await withBusybox();
    store.tag('busybox', 'busybox:1');
    expect(await store.remove(id.slice(7, 19))).toMatchObject({
      untagged: ['busybox:latest', 'busybox:1'],
      deleted: [id, expect.any(String)],
    });
    await loadTar(store, await makeBusyboxSaveTar());
    store.tag('busybox', 'other:1');
    await expect(store.remove(id)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'ENGINE_IMAGE_MULTIPLE_REPOSITORIES',
    });
    expect((await store.remove(id, { force: true })).deleted[0]).toBe(id);
  });

  it('an image a container uses is refused with conflict, and with force only loses its names', async () => {
    let used = '';
    const [store, id] = await withBusybox({ isInUse: (imageId) => imageId === used });
    used = id;
    await expect(store.remove('busybox')).rejects.toMatchObject({ kind: 'conflict', code: 'ENGINE_IMAGE_IN_USE' });
    await expect(store.remove(id)).rejects.toMatchObject({ kind: 'conflict', code: 'ENGINE_IMAGE_IN_USE' });
    expect(await store.remove('busybox', { force: true })).toEqual({ untagged: ['busybox:latest'], deleted: [] });
    expect(store.resolve(id)?.repoTags).toEqual([]);
    expect(store.rootfsLayers(id)).toHaveLength(1);
    expect((await store.prune({ dangling: true })).ImagesDeleted).toEqual([]);
    used = '';
    const report = await store.prune({ dangling: true });
    expect(report.ImagesDeleted).toEqual([
      { Deleted: id },
      { Deleted: store.list()[0]?.chainIds[0] ?? expect.any(String) },
    ]);
    expect(report.SpaceReclaimed).toBeGreaterThan(0);
    expect(store.list()).toEqual([]);
  });

  it('prune with dangling deletes only untagged images', async () => {
    const [store, oldId] = await withBusybox();
    const newer = await makeBusyboxImage({ cmd: ['echo', 'new'] });
    await loadTar(store, await makeSaveTar([newer]));
    const report = await store.prune({ dangling: true });
    expect(report.ImagesDeleted).toEqual([{ Deleted: oldId }]); // the layer stays: the newer image shares it
    expect(store.list().map((r) => r.id)).toEqual([newer.configDigest]);
  });

  it('finds a build step by parent and key after commits, and not once the step image is removed', async () => {
    const [store, baseId] = await withBusybox();
    const base = store.resolve(baseId);
    expect(store.findBuildStep(baseId, 'ENV A=1')).toBeUndefined(); // the index is built here, then kept up to date
    const step = async (parent: typeof base, key: string, env: string) =>
      store.commit({ parent, config: { Env: [env] }, history: { created_by: key }, buildKey: key });
    const a = await step(base, 'ENV A=1', 'A=1');
    const b = await step(a, 'ENV B=2', 'B=2');
    const scratch = await step(undefined, 'ENV A=1', 'A=scratch');
    expect(store.findBuildStep(baseId, 'ENV A=1')?.id).toBe(a.id);
    expect(store.findBuildStep(a.id, 'ENV B=2')?.id).toBe(b.id);
    expect(store.findBuildStep(undefined, 'ENV A=1')?.id).toBe(scratch.id);
    expect(store.findBuildStep(baseId, 'ENV B=2')).toBeUndefined();
    await store.remove(b.id);
    expect(store.findBuildStep(a.id, 'ENV B=2')).toBeUndefined();
  });
});

describe('image store: history, save, import', () => {
  it('history lists the config history newest first in the Engine API shape', async () => {
    const [store, id] = await withBusybox();
    const history = store.history('busybox');
    expect(history).toHaveLength(2);
    expect(history[0]).toEqual({
      Id: id,
      Created: 1704067200,
      CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]',
      Tags: ['busybox:latest'],
      Size: 0,
      Comment: '',
    });
    expect(history[1]).toMatchObject({
      Id: '<missing>',
      Tags: null,
      CreatedBy: '/bin/sh -c #(nop) ADD file:busybox in / ',
    });
    expect(history[1]?.Size).toBe(store.resolve('busybox')?.size);
  });

  it('save then load into another root gives the same image ID, tags and layers', async () => {
    const [store, id] = await withBusybox();
    await loadTar(store, await makeSaveTar([await makeAppImage()]));
    const tar = await saveToBuffer(store, ['busybox', 'app:1']);
    expect(tarNames(tar)).toEqual(
      expect.arrayContaining(['manifest.json', 'index.json', 'oci-layout', 'repositories']),
    );
    expect((await saveToBuffer(store, ['busybox', 'app:1'])).equals(tar)).toBe(true); // deterministic
    const other = makeSandbox();
    try {
      const copy = await other.open();
      expect(await loadTar(copy, tar)).toEqual(['busybox:latest', 'app:1']);
      expect(copy.resolve('busybox')?.id).toBe(id);
      expect(copy.list().map((r) => [r.id, r.repoTags, r.chainIds])).toEqual(
        store.list().map((r) => [r.id, r.repoTags, r.chainIds]),
      );
      expect(other.layerDirs()).toHaveLength(2);
    } finally {
      other.dispose();
    }
  });

  it('saving by ID writes the image untagged; unknown refs fail before anything is written', async () => {
    const [store, id] = await withBusybox();
    const tar = await saveToBuffer(store, [id]);
    const other = makeSandbox();
    try {
      expect(await loadTar(await other.open(), tar)).toEqual([id]);
    } finally {
      other.dispose();
    }
    await expect(saveToBuffer(store, ['busybox', 'nope:1'])).rejects.toMatchObject({ code: 'ENGINE_NO_SUCH_IMAGE' });
  });

  it('importRootfs makes a one-layer image with the changes, message and tag given', async () => {
    const store = await box.open();
    const rootfs = gzipSync(await makeLayerTar(busyboxLayerEntries()));
    const record = await store.importRootfs(Readable.from([rootfs]), {
      ref: 'imported:1',
      changes: { Cmd: ['sh'], Env: ['A=1'] },
      message: 'from a test',
    });
    expect(store.resolve('imported:1')?.id).toBe(record.id);
    expect(record.config).toMatchObject({
      os: 'linux',
      config: { Cmd: ['sh'], Env: ['A=1'] },
      rootfs: { type: 'layers' },
    });
    expect(record.config.rootfs.diff_ids).toEqual(record.chainIds);
    expect(store.history('imported:1')[0]).toMatchObject({
      Id: record.id,
      Comment: 'from a test',
      Tags: ['imported:1'],
    });
    expect(readFileSync(join(store.rootfsLayers(record.id)[0] ?? '', 'etc/passwd'), 'utf8')).toContain('root:x:0:0');
    expect(store.resolve('imported:1')?.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    const meta = JSON.parse(
      readFileSync(join(box.root, 'layers', record.chainIds[0]?.slice(7) ?? '', 'meta.json'), 'utf8'),
    );
    expect(meta.users).toEqual([record.id]);
  });

  it('an imported rootfs with an unsafe entry is refused and leaves nothing', async () => {
    const store = await box.open();
    const rootfs = await makeLayerTar([{ name: '/etc/evil', content: 'x' }]);
    await expect(store.importRootfs(Readable.from([rootfs]), { ref: 'evil' })).rejects.toMatchObject({
      code: 'ENGINE_LAYER_UNSAFE',
    });
    expect(store.list()).toEqual([]);
    expect(box.blobs()).toEqual([]);
    expect(box.layerDirs()).toEqual([]);
    expect(existsSync('/etc/evil')).toBe(false);
  });
});
