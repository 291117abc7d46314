// Loading images: docker save tarballs of every layout and OCI archives, every digest verified, shared layers
// stored once, and hostile or corrupt archives refused with nothing left behind.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FixtureImage,
  makeAppImage,
  makeBusyboxImage,
  makeBusyboxOciTar,
  makeBusyboxSaveTar,
  makeLayerTar,
  makeOciTar,
  makeSaveTar,
  ociArchiveEntries,
  sha256,
  writeArchive,
} from '../fixtures/busybox-image.js';
import { type Sandbox, duBytes, loadTar, makeSandbox } from './image-test-kit.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.dispose());

const busyboxSize = statSync('/usr/bin/busybox').size;

describe('image store: load', () => {
  it.each(['legacy', 'blobs'] as const)(
    'loads a docker save tarball (%s layout) into a runnable image',
    async (layout) => {
      const store = await box.open();
      const image = await makeBusyboxImage();
      expect(await loadTar(store, await makeSaveTar([image], { layout }))).toEqual(['busybox:latest']);
      const [record] = store.list();
      expect(record).toMatchObject({
        id: image.configDigest,
        repoTags: ['busybox:latest'],
        repoDigests: [],
        chainIds: image.diffIds,
      });
      expect(record?.config.config?.Cmd).toEqual(['sh']);
      expect(record?.created).toBe('2024-01-01T00:00:00.000Z');
      expect(record?.size).toBeGreaterThanOrEqual(busyboxSize);
      const [lower] = store.rootfsLayers(image.configDigest);
      expect(readFileSync(join(lower ?? '', 'bin/busybox')).length).toBe(busyboxSize);
    },
  );

  it.each(['containerd', 'ref-name', 'both'] as const)(
    'loads an OCI archive named by %s annotations',
    async (annotations) => {
      const store = await box.open();
      const loaded = await loadTar(
        store,
        await makeBusyboxOciTar({ tags: ['docker.io/library/busybox:1.36'], annotations }),
      );
      expect(loaded).toEqual(['busybox:1.36']);
      expect(store.resolve('busybox:1.36')?.repoTags).toEqual(['busybox:1.36']);
    },
  );

  it('loads an OCI archive with gzip layers and keeps them compressed for save', async () => {
    const store = await box.open();
    const image = await makeBusyboxImage({ gzip: true });
    await loadTar(store, await makeOciTar([image]));
    const record = store.resolve('busybox');
    expect(record?.chainIds).toEqual(image.diffIds);
    expect(record?.layers[0]).toMatchObject({
      digest: sha256(image.layers[0] ?? ''),
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    });
  });

  it('an OCI archive whose only name is a bare tag loads untagged, reported by ID', async () => {
    const store = await box.open();
    const image = await makeBusyboxImage();
    expect(await loadTar(store, await makeOciTar([image], { annotations: 'tag-only' }))).toEqual([image.configDigest]);
    expect(store.list()[0]?.repoTags).toEqual([]);
  });

  it('two images sharing a base store its layer once (du counts it once), also when the archive symlinks it', async () => {
    const store = await box.open();
    const [busybox, app] = [await makeBusyboxImage(), await makeAppImage()];
    expect(await loadTar(store, await makeSaveTar([busybox, app]))).toEqual(['busybox:latest', 'app:1']);
    expect(box.layerDirs()).toHaveLength(2);
    expect(store.rootfsLayers(busybox.configDigest)[0]).toBe(store.rootfsLayers(app.configDigest)[0]);
    expect(duBytes(join(box.root, 'layers'))).toBeLessThan(busyboxSize * 1.5);
    const [, appLayer] = store.rootfsLayers(app.configDigest);
    expect(readFileSync(join(appLayer ?? '', 'app/hello.txt'), 'utf8')).toBe('hello\n');
  });

  it('loading the second image separately reuses the base layer', async () => {
    const store = await box.open();
    await loadTar(store, await makeBusyboxSaveTar());
    await loadTar(store, await makeSaveTar([await makeAppImage()], { layout: 'blobs' }));
    expect(box.layerDirs()).toHaveLength(2);
    expect(duBytes(join(box.root, 'layers'))).toBeLessThan(busyboxSize * 1.5);
  });

  it('loading a tag held by another image moves the tag; the old image becomes dangling', async () => {
    const store = await box.open();
    await loadTar(store, await makeBusyboxSaveTar());
    const other = await makeBusyboxImage({ cmd: ['echo', 'new'] });
    await loadTar(store, await makeSaveTar([other]));
    expect(store.resolve('busybox')?.id).toBe(other.configDigest);
    expect(store.list().map((r) => r.repoTags)).toEqual([[], ['busybox:latest']]);
  });

  it('images survive reopening the store', async () => {
    await loadTar(await box.open(), await makeBusyboxSaveTar());
    const reopened = await box.open();
    expect(reopened.resolve('busybox:latest')?.repoTags).toEqual(['busybox:latest']);
    expect(existsSync(reopened.rootfsLayers(reopened.list()[0]?.id ?? '')[0] ?? '')).toBe(true);
  });
});

describe('image store: load refuses bad archives and leaves nothing', () => {
  const expectNothingLeft = (): void => {
    expect(readdirSync(box.dir)).toEqual(['root']);
    expect(box.layerDirs()).toEqual([]);
    expect(box.blobs()).toEqual([]);
    expect(readdirSync(join(box.root, 'content/ingest'))).toEqual([]);
  };

  it('a layer with a traversal entry is refused with ENGINE_LAYER_UNSAFE, nothing written outside the root', async () => {
    const store = await box.open();
    const evil: FixtureImage = await makeBusyboxImage({
      extraLayers: [[{ name: '../../../escaped', content: 'pwned' }]],
    });
    await expect(loadTar(store, await makeSaveTar([evil]))).rejects.toMatchObject({ code: 'ENGINE_LAYER_UNSAFE' });
    expect(store.list()).toEqual([]);
    expectNothingLeft();
  });

  it('a layer writing through a symlink to outside the root is refused', async () => {
    const store = await box.open();
    const evil = await makeBusyboxImage({
      extraLayers: [
        [
          { name: 'out', type: 'symlink', linkname: box.dir },
          { name: 'out/escaped', content: 'pwned' },
        ],
      ],
    });
    await expect(loadTar(store, await makeSaveTar([evil], { layout: 'blobs' }))).rejects.toMatchObject({
      code: 'ENGINE_LAYER_UNSAFE',
    });
    expectNothingLeft();
  });

  it('an archive entry climbing out of the archive is refused with ENGINE_ARCHIVE_UNSAFE', async () => {
    const store = await box.open();
    const tar = await makeBusyboxSaveTar({ extraEntries: [{ name: '../../escaped', content: 'pwned' }] });
    await expect(loadTar(store, tar)).rejects.toMatchObject({ kind: 'invalid', code: 'ENGINE_ARCHIVE_UNSAFE' });
    expectNothingLeft();
  });

  it('a blob whose content does not match its digest is refused with ENGINE_DIGEST_MISMATCH', async () => {
    const store = await box.open();
    const image = await makeBusyboxImage();
    const layerPath = `blobs/sha256/${image.diffIds[0]?.slice(7)}`;
    const entries = ociArchiveEntries([image], 'both').map((e) =>
      e.name === layerPath ? { name: e.name, content: 'corrupted' } : e,
    );
    await expect(loadTar(store, await writeArchive(entries))).rejects.toMatchObject({ code: 'ENGINE_DIGEST_MISMATCH' });
    expectNothingLeft();
  });

  it('a layer that does not match the config diffIDs is refused with ENGINE_DIFFID_MISMATCH', async () => {
    const store = await box.open();
    const image = await makeBusyboxImage();
    const swapped = { ...image, layers: [await makeLayerTar([{ name: 'other', content: 'x' }])] };
    await expect(loadTar(store, await makeSaveTar([swapped]))).rejects.toMatchObject({
      code: 'ENGINE_DIFFID_MISMATCH',
    });
    expectNothingLeft();
  });

  it('a layer claiming the diffID of an already unpacked layer is still verified', async () => {
    const store = await box.open();
    await loadTar(store, await makeBusyboxSaveTar());
    const before = { layers: box.layerDirs(), blobs: box.blobs() };
    const liar = await makeBusyboxImage({ tags: ['liar:1'], cmd: ['echo', 'lie'] });
    liar.layers = [await makeLayerTar([{ name: 'bin/busybox', content: 'not busybox' }])];
    await expect(loadTar(store, await makeSaveTar([liar]))).rejects.toMatchObject({ code: 'ENGINE_DIFFID_MISMATCH' });
    expect(store.list().map((r) => r.repoTags)).toEqual([['busybox:latest']]);
    expect({ layers: box.layerDirs(), blobs: box.blobs() }).toEqual(before);
  });

  it('a failed multi-image load keeps no image of the archive, and earlier images are untouched', async () => {
    const store = await box.open();
    await loadTar(store, await makeBusyboxSaveTar());
    const before = { layers: box.layerDirs(), blobs: box.blobs() };
    const broken = await makeAppImage();
    broken.layers[1] = await makeLayerTar([{ name: 'not-the-app', content: 'x' }]);
    await expect(
      loadTar(store, await makeSaveTar([await makeAppImage({ tags: ['ok:1'] }), broken])),
    ).rejects.toMatchObject({
      code: 'ENGINE_DIFFID_MISMATCH',
    });
    expect(store.list().map((r) => r.repoTags)).toEqual([['busybox:latest']]);
    expect({ layers: box.layerDirs(), blobs: box.blobs() }).toEqual(before);
  });

  it('a tarball that is neither docker save nor OCI layout is refused with ENGINE_ARCHIVE_INVALID', async () => {
    const store = await box.open();
    await expect(loadTar(store, await makeLayerTar([{ name: 'hello', content: 'x' }]))).rejects.toMatchObject({
      code: 'ENGINE_ARCHIVE_INVALID',
    });
    expectNothingLeft();
  });
});
