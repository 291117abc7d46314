// The pure parts of berthd's volumes: Binds and Mounts parsing, the mount plan, tmpfs options, volume filters.
import { describe, expect, it } from 'vitest';
import { parseApiMount, tmpfsOptions } from '../../../src/engine/volumes/api-mount.js';
import type { ContainerMount } from '../../../src/engine/volumes/mount-spec.js';
import { parseBind } from '../../../src/engine/volumes/mount-spec.js';
import { planMounts } from '../../../src/engine/volumes/plan-mounts.js';
import { filterVolumes, pruneCandidates } from '../../../src/engine/volumes/volume-filters.js';
import { checkVolumeName } from '../../../src/engine/volumes/volume-name.js';
import type { VolumeRecord } from '../../../src/engine/volumes/volume-store.js';

const noOthers = (): ContainerMount[] => [];

describe('Binds entries', () => {
  it('a name is a volume (mode "z"), an absolute path a bind (rprivate), a lone path an anonymous volume', () => {
    expect(parseBind('data:/var/lib/data')).toMatchObject({ type: 'volume', name: 'data', mode: 'z', rw: true });
    expect(parseBind('/srv/x:/x:ro,Z')).toMatchObject({
      type: 'bind',
      source: '/srv/x',
      destination: '/x',
      rw: false,
      mode: 'ro,Z',
      propagation: 'rprivate',
      createSource: true,
    });
    expect(parseBind('/srv/x/:/x/:rshared')).toMatchObject({
      source: '/srv/x',
      destination: '/x',
      propagation: 'rshared',
    });
    expect(parseBind('/cache')).toMatchObject({ type: 'volume', name: '', anonymous: true, mode: '' });
    expect(parseBind('v:/d:nocopy')).toMatchObject({ noCopy: true });
  });

  it("refuses what Docker refuses, in Docker's words", () => {
    expect(() => parseBind('/foo:rw')).toThrow("invalid volume specification: '/foo:rw'");
    expect(() => parseBind('a:b:c:d')).toThrow("invalid volume specification: 'a:b:c:d'");
    expect(() => parseBind('v:/d:bogus')).toThrow('invalid mode: bogus');
    expect(() => parseBind('v:/d:ro,rw')).toThrow('invalid mode: ro,rw');
    expect(() => parseBind('v:rel')).toThrow("invalid mount path: 'rel' mount path must be absolute");
    expect(() => parseBind('v:/')).toThrow("destination can't be '/'");
    expect(() => parseBind('v:/d:shared')).toThrow('field BindOptions must not be specified');
    expect(() => checkVolumeName('../x')).toThrow('"../x" includes invalid characters for a local volume name');
    expect(() => checkVolumeName('a/b')).toThrow('includes invalid characters');
  });
});

describe('Mounts items', () => {
  it('bind, volume and tmpfs with their options', () => {
    expect(
      parseApiMount({
        Type: 'bind',
        Source: '/h',
        Target: '/c',
        BindOptions: { Propagation: 'rslave', CreateMountpoint: true },
      }),
    ).toMatchObject({ type: 'bind', propagation: 'rslave', createSource: true, mode: '' });
    expect(
      parseApiMount({
        Type: 'volume',
        Source: 'vol',
        Target: '/c',
        VolumeOptions: {
          NoCopy: true,
          Labels: { a: 'b' },
          DriverConfig: { Name: 'local', Options: { type: 'tmpfs' } },
        },
      }),
    ).toMatchObject({
      type: 'volume',
      name: 'vol',
      noCopy: true,
      labels: { a: 'b' },
      options: { type: 'tmpfs' },
      mode: 'z',
    });
    expect(
      parseApiMount({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } }),
    ).toMatchObject({ type: 'tmpfs', options: 'size=1m,mode=1777' });
  });

  it('refuses misplaced options, unknown types and drivers', () => {
    expect(() => parseApiMount({ Type: 'bind', Source: '/h', Target: '/c', VolumeOptions: {} })).toThrow(
      'invalid mount config for type "bind": field VolumeOptions must not be specified',
    );
    expect(() => parseApiMount({ Type: 'bind', Target: '/c' })).toThrow('field Source must not be empty');
    expect(() => parseApiMount({ Type: 'tmpfs', Source: 'x', Target: '/c' })).toThrow(
      'field Source must not be specified',
    );
    expect(() => parseApiMount({ Type: 'npipe', Target: '/c' })).toThrow(
      'invalid mount config for type "npipe": mount type unknown',
    );
    expect(() => parseApiMount({ Type: 'volume', Target: '/c', ReadOnly: true })).toThrow('anonymous volumes');
    expect(() =>
      parseApiMount({ Type: 'volume', Source: 'vol', Target: '/c', VolumeOptions: { DriverConfig: { Name: 'nfs' } } }),
    ).toThrow('error looking up volume plugin nfs');
  });

  it('writes tmpfs sizes as moby does', () => {
    expect(tmpfsOptions({ SizeBytes: 1536 }, true)).toBe('size=1536');
    expect(tmpfsOptions({ SizeBytes: 2048 }, false)).toBe('ro,size=2k');
    expect(tmpfsOptions({ SizeBytes: 3 * 1024 ** 3 }, true)).toBe('size=3g');
  });
});

describe('the mount plan', () => {
  it('volumes-from first, binds and mounts over it, then anonymous volumes for uncovered declared paths', () => {
    const from: ContainerMount[] = [
      {
        type: 'volume',
        name: 'shared',
        anonymous: false,
        destination: '/s',
        rw: true,
        mode: 'z',
        propagation: '',
        noCopy: false,
      },
      {
        type: 'bind',
        source: '/h',
        destination: '/over',
        rw: true,
        mode: '',
        propagation: 'rprivate',
        createSource: true,
      },
    ];
    const plan = planMounts({
      volumesFrom: ['other:ro'],
      binds: ['/mine:/over'],
      mounts: [{ Type: 'tmpfs', Target: '/t' }],
      volumes: ['/s', '/declared', '/t', '/tmp-covered'],
      tmpfs: { '/tmp-covered': '' },
      mountsOf: (ref) => (ref === 'other' ? from : []),
    });
    expect(plan.map((m) => `${m.type} ${m.destination} ${m.rw ? 'rw' : 'ro'}`)).toEqual([
      'volume /s ro',
      'bind /over rw',
      'tmpfs /t rw',
      'volume /declared rw',
    ]);
    expect(plan[0]).toMatchObject({ noCopy: true, mode: '' });
  });

  it('a destination given twice, or also in HostConfig.Tmpfs, is a duplicate mount point', () => {
    expect(() => planMounts({ binds: ['a:/x', 'b:/x'], volumes: [], mountsOf: noOthers })).toThrow(
      'Duplicate mount point: /x',
    );
    expect(() =>
      planMounts({
        binds: ['a:/x'],
        mounts: [{ Type: 'volume', Source: 'bb', Target: '/x/' }],
        volumes: [],
        mountsOf: noOthers,
      }),
    ).toThrow('Duplicate mount point: /x');
    expect(() => planMounts({ binds: ['a:/x'], tmpfs: { '/x': '' }, volumes: [], mountsOf: noOthers })).toThrow(
      'Duplicate mount point',
    );
    expect(() => planMounts({ volumesFrom: ['c:shared'], volumes: [], mountsOf: noOthers })).toThrow('invalid mode');
  });
});

describe('volume filters', () => {
  const vol = (name: string, labels: Record<string, string> = {}): VolumeRecord => ({
    name,
    driver: 'local',
    labels,
    options: {},
    createdAt: '2024-01-01T00:00:00Z',
  });
  const all = [vol('web-data', { tier: 'web' }), vol('db-data', { tier: 'db', keep: '' }), vol('cache')];
  const used = (n: string): boolean => n === 'db-data';
  const names = (list: VolumeRecord[]): string[] => list.map((v) => v.name);
  const f = (entries: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(entries));

  it('name (as Docker: a pattern found in the name), label, label!, dangling, driver', () => {
    expect(names(filterVolumes(all, f({ name: ['data'] }), used))).toEqual(['web-data', 'db-data']);
    expect(names(filterVolumes(all, f({ name: ['^db'] }), used))).toEqual(['db-data']);
    expect(names(filterVolumes(all, f({ label: ['tier=web'] }), used))).toEqual(['web-data']);
    expect(names(filterVolumes(all, f({ 'label!': ['tier'] }), used))).toEqual(['cache']);
    expect(names(filterVolumes(all, f({ dangling: ['true'] }), used))).toEqual(['web-data', 'cache']);
    expect(names(filterVolumes(all, f({ dangling: ['0'] }), used))).toEqual(['db-data']);
    expect(names(filterVolumes(all, f({ driver: ['local'] }), used))).toHaveLength(3);
    expect(() => filterVolumes(all, f({ colour: ['x'] }), used)).toThrow("invalid filter 'colour'");
    expect(() => filterVolumes(all, f({ dangling: ['maybe'] }), used)).toThrow("invalid filter 'dangling=maybe'");
  });

  it('prune takes unused volumes only, named ones too (API 1.41), minus label! matches', () => {
    expect(names(pruneCandidates(all, f({}), used))).toEqual(['web-data', 'cache']);
    expect(names(pruneCandidates(all, f({ 'label!': ['tier=web'] }), used))).toEqual(['cache']);
    expect(() => pruneCandidates(all, f({ dangling: ['true'] }), used)).toThrow("invalid filter 'dangling'");
  });
});
