// The mount table docker cp resolves container paths through (container-view.ts), on inline data: which mount
// holds a path, where that is on the host, and which writes dockerd refuses.
import { describe, expect, it } from 'vitest';
import type { MountInfo } from '../../../src/engine/containers/container-view.js';
import { checkWritable, hostOf, tmpfsMountsOf, viewOf } from '../../../src/engine/containers/container-view.js';

const mounts: MountInfo[] = [
  { Type: 'bind', Source: '/srv/data', Destination: '/data', RW: true },
  { Type: 'bind', Source: '/srv/conf', Destination: '/data/conf', RW: false },
  { Type: 'volume', Source: '/var/lib/berth/volumes/v/_data', Destination: '/vol/', RW: true },
  { Type: 'tmpfs', Destination: '/run/t', RW: true },
  ...tmpfsMountsOf({ '/scratch': 'size=1m', '/ro-tmp': 'ro,size=1m' }),
];
const running = viewOf({ container: 'c', rootfs: '/r', mounts, readonlyRootfs: false, pid: 42 });
const stopped = viewOf({ container: 'c', rootfs: '/r', mounts, readonlyRootfs: true, pid: 0 });

describe('container view', () => {
  it('the most specific mount point must hold a path, and a path beside it must stay in its parent', () => {
    expect(hostOf(running, '/data/conf/app.ini')).toMatchObject({ host: '/srv/conf/app.ini' });
    expect(hostOf(running, '/data/confx')).toMatchObject({ host: '/srv/data/confx' });
    expect(hostOf(running, '/data')).toMatchObject({ host: '/srv/data' });
    expect(hostOf(running, '/vol/a')).toMatchObject({ host: '/var/lib/berth/volumes/v/_data/a' });
    expect(hostOf(running, '/etc/passwd')).toMatchObject({ host: '/r/etc/passwd' });
    expect(hostOf(running, '/')).toMatchObject({ host: '/r' });
  });

  it("a running container's tmpfs must be reached through its process, a stopped one's not at all", () => {
    expect(hostOf(running, '/scratch/x').host).toBe('/proc/42/root/scratch/x');
    expect(hostOf(running, '/run/t').host).toBe('/proc/42/root/run/t');
    expect(hostOf(stopped, '/scratch/x').host).toBe('/r/scratch/x');
    expect(stopped.offline).toEqual(['/run/t', '/scratch', '/ro-tmp']);
  });

  it("writes must be refused with dockerd's messages: a read-only mount first, then a read-only rootfs", () => {
    expect(() => checkWritable(running, '/data/conf/x')).toThrow('mounted volume is marked read-only');
    expect(() => checkWritable(running, '/ro-tmp/x')).toThrow('mounted volume is marked read-only');
    expect(() => checkWritable(running, '/data/x')).not.toThrow();
    expect(() => checkWritable(running, '/tmp/x')).not.toThrow();
    expect(() => checkWritable(stopped, '/tmp/x')).toThrow('container rootfs is marked read-only');
    expect(() => checkWritable(stopped, '/data/x')).not.toThrow();
  });

  it('a write into the tmpfs of a stopped container must be refused, since the next start hides it', () => {
    expect(() => checkWritable(stopped, '/scratch/x')).toThrow(
      expect.objectContaining({ code: 'ENGINE_TMPFS_OFFLINE' }),
    );
    expect(() => checkWritable(running, '/scratch/x')).not.toThrow();
  });
});
