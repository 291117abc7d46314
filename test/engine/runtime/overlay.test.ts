// Real overlay mounts in a temp directory: layering, copy-up, option strings longer than a page, and unmounting
// that leaves nothing in /proc/mounts, mounts in use included.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMounted, mountOverlay, unmount, unmountAll, unmountGrouped } from '../../../src/engine/runtime/overlay.js';

let base: string;
const targets: string[] = [];
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'berth-ovl-'));
});
afterEach(async () => {
  for (const t of targets.splice(0)) await unmount(t).catch(() => undefined);
  rmSync(base, { recursive: true, force: true });
});

function dirs(...names: string[]): string[] {
  return names.map((n) => {
    const d = join(base, n);
    mkdirSync(d, { recursive: true });
    return d;
  });
}

function inProcMounts(target: string): boolean {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === target);
}

describe('overlay', () => {
  it('the top lower layer must win, writes must land in upperdir, and unmount must leave no mount behind', async () => {
    const [bottom, top, upper, work, target] = dirs('bottom', 'top', 'upper', 'work', 'merged') as [
      string,
      string,
      string,
      string,
      string,
    ];
    writeFileSync(join(bottom, 'a'), 'bottom');
    writeFileSync(join(bottom, 'b'), 'bottom');
    writeFileSync(join(top, 'a'), 'top');
    targets.push(target);
    await mountOverlay({ lowerdirs: [top, bottom], upperdir: upper, workdir: work, target });
    expect(await isMounted(target)).toBe(true);
    expect(inProcMounts(target)).toBe(true);
    expect(readFileSync(join(target, 'a'), 'utf8')).toBe('top');
    expect(readFileSync(join(target, 'b'), 'utf8')).toBe('bottom');
    writeFileSync(join(target, 'b'), 'changed');
    expect(readFileSync(join(upper, 'b'), 'utf8')).toBe('changed');
    expect(readFileSync(join(bottom, 'b'), 'utf8')).toBe('bottom');
    await unmount(target);
    expect(await isMounted(target)).toBe(false);
    expect(inProcMounts(target)).toBe(false);
    expect(existsSync(join(target, 'a'))).toBe(false);
  });

  it('lowerdir options longer than a page must mount through relative paths', async () => {
    // A deep store path and 40 layers named by 64-hex digests: ~30 KB absolute, ~3 KB relative.
    const store = ['a', 'b', 'c'].map((c) => c.repeat(200)).join('/');
    const names = Array.from({ length: 40 }, (_, i) => `${store}/layers/${String(i).padStart(64, 'f')}/diff`);
    const lowers = dirs(...names);
    lowers.forEach((d, i) => writeFileSync(join(d, `f${i}`), String(i)));
    const [upper, work, target] = dirs(`${store}/c/upper`, `${store}/c/work`, 'merged') as [string, string, string];
    expect(lowers.join(':').length).toBeGreaterThan(4096);
    targets.push(target);
    await mountOverlay({ lowerdirs: lowers, upperdir: upper, workdir: work, target });
    expect(readFileSync(join(target, 'f0'), 'utf8')).toBe('0');
    expect(readFileSync(join(target, 'f39'), 'utf8')).toBe('39');
    await unmount(target);
    expect(inProcMounts(target)).toBe(false);
  });

  it('options too long even when relative must fail with ENGINE_OVERLAY_TOO_LONG', async () => {
    const lowers = dirs(...Array.from({ length: 80 }, (_, i) => `layers/${String(i).padStart(64, 'f')}/diff`));
    const [upper, work, target] = dirs('upper', 'work', 'merged') as [string, string, string];
    await expect(mountOverlay({ lowerdirs: lowers, upperdir: upper, workdir: work, target })).rejects.toMatchObject({
      code: 'ENGINE_OVERLAY_TOO_LONG',
      kind: 'invalid',
    });
    expect(await isMounted(target)).toBe(false);
  });

  it('mounts in use must all be detached lazily, those of a group too', async () => {
    const points = dirs('busy-a', 'busy-b', 'free');
    const fds: number[] = [];
    try {
      for (const p of points) {
        expect(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', p]).status).toBe(0);
        targets.push(p);
      }
      // an open file keeps each of the first two busy: a plain umount fails for them, umount -l detaches them
      for (const p of points.slice(0, 2)) fds.push(openSync(join(p, 'held'), 'w'));
      await Promise.all([unmountAll(points.slice(0, 2)), unmountGrouped([points[2] as string])]);
      expect(points.filter(inProcMounts)).toEqual([]);
    } finally {
      for (const fd of fds) closeSync(fd);
    }
  });

  it('unmount of a directory that is not mounted must do nothing', async () => {
    const [target] = dirs('plain') as [string];
    await expect(unmount(target)).resolves.toBeUndefined();
    expect(await isMounted(join(base, 'missing'))).toBe(false);
  });

  it('bad input must fail with kind "invalid" before anything is mounted', async () => {
    const [lower, upper, work, target] = dirs('lower', 'upper', 'work', 'merged') as [string, string, string, string];
    await expect(mountOverlay({ lowerdirs: [], upperdir: upper, workdir: work, target })).rejects.toMatchObject({
      kind: 'invalid',
    });
    await expect(
      mountOverlay({ lowerdirs: ['relative'], upperdir: upper, workdir: work, target }),
    ).rejects.toMatchObject({ code: 'ENGINE_INVALID_OVERLAY' });
    await expect(
      mountOverlay({ lowerdirs: [`${lower}:x`], upperdir: upper, workdir: work, target }),
    ).rejects.toMatchObject({ code: 'ENGINE_INVALID_OVERLAY' });
    expect(await isMounted(target)).toBe(false);
  });

  it("a failing mount must report ENGINE_MOUNT_FAILED with mount's message", async () => {
    const [upper, work, target] = dirs('upper', 'work', 'merged') as [string, string, string];
    await expect(
      mountOverlay({ lowerdirs: [join(base, 'does-not-exist')], upperdir: upper, workdir: work, target }),
    ).rejects.toMatchObject({
      code: 'ENGINE_MOUNT_FAILED',
      kind: 'internal',
    });
  });
});
