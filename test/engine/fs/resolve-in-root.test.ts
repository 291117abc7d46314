// One walk resolves paths in a folder (resolveInRoot) and through a container's mounts (resolveInView): both
// must keep every path inside, whatever symlinks and `..` the tree holds.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveInView, viewOf } from '../../../src/engine/containers/container-view.js';
import { resolveInRoot } from '../../../src/engine/fs/resolve-in-root.js';

const base = mkdtempSync(join(tmpdir(), 'berth-resolve-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function tree(name: string): string {
  const root = join(base, name);
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  symlinkSync('/', join(root, 'up')); // the host's "/" if anything followed it outside the root
  symlinkSync('../../../../etc', join(root, 'etc', 'deep')); // climbs above the root with `..`
  symlinkSync('loop-b', join(root, 'loop-a'));
  symlinkSync('loop-a', join(root, 'loop-b'));
  symlinkSync('etc/passwd', join(root, 'last'));
  return root;
}

describe('resolving a path inside a root', () => {
  const root = tree('rootfs');

  it('an absolute symlink must resolve against the root, never against the host', async () => {
    expect(await resolveInRoot(root, '/up/etc/passwd', true)).toEqual({
      host: join(root, 'etc', 'passwd'),
      path: '/etc/passwd',
    });
  });

  it('`..` in a path and in a link target must stop at the root', async () => {
    expect((await resolveInRoot(root, '/../../etc/deep/passwd', true)).path).toBe('/etc/passwd');
    expect((await resolveInRoot(root, '/', true)).host).toBe(root);
  });

  it('the last symlink must be followed only when asked', async () => {
    expect((await resolveInRoot(root, '/last', false)).path).toBe('/last');
    expect((await resolveInRoot(root, '/last', true)).path).toBe('/etc/passwd');
  });

  it('a symlink loop must fail with invalid ENGINE_PATH_LOOP', async () => {
    await expect(resolveInRoot(root, '/loop-a/x', true)).rejects.toMatchObject({
      kind: 'invalid',
      code: 'ENGINE_PATH_LOOP',
    });
  });

  it("a container view must resolve the same way, landing in the mount's source for a path under it", async () => {
    const volume = tree('volume');
    const view = viewOf({
      container: 'c',
      rootfs: root,
      mounts: [{ Type: 'volume', Source: volume, Destination: '/data', RW: true }],
      readonlyRootfs: false,
      pid: 0,
    });
    // "/up" is the container's "/", so this reaches the volume's "last", whose relative target stays in it.
    const throughLinks = await resolveInView(view, '/up/data/last', true);
    expect(throughLinks).toMatchObject({ path: '/data/etc/passwd', host: join(volume, 'etc', 'passwd') });
    const inRootfs = await resolveInView(view, '/etc/deep/passwd', true);
    expect(inRootfs).toMatchObject({ path: '/etc/passwd', host: join(root, 'etc', 'passwd') });
    await expect(resolveInView(view, '/loop-b', true)).rejects.toMatchObject({ code: 'ENGINE_PATH_LOOP' });
  });
});
