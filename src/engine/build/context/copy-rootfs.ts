// Paths in the image being built, as host paths under its root filesystem. The rootfs is treated as a chroot:
// its symlinks are followed against it (a link to /etc lands in rootfs/etc), so nothing reaches the host.
import { chmod, lchown, mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import { type RootedPath, resolveInRoot } from '../../fs/resolve-in-root.js';
import { lstatOrNull } from '../../fs/path-entry.js';
import { copyError } from './context-errors.js';

/** Who owns what a COPY creates. */
export interface Owner {
  uid: number;
  gid: number;
}

/**
 * Makes the image folder `imagePath` exist (symlinks on the way followed inside `root`) and returns it resolved.
 * Folders it creates are 0755 and owned by `owner`, as Docker's MkdirAllAndChownNew; existing ones are untouched.
 */
export async function ensureDirIn(root: string, imagePath: string, owner: Owner): Promise<RootedPath> {
  let current: RootedPath = { host: root, path: '/' };
  for (const part of imagePath.split('/').filter((s) => s !== '' && s !== '.')) {
    const next = await resolveInRoot(root, posix.join(current.path, part), true);
    const stat = await lstatOrNull(next.host);
    if (stat === null) {
      await mkdir(next.host, { recursive: true, mode: 0o755 });
      await lchown(next.host, owner.uid, owner.gid);
      await chmod(next.host, 0o755); // the umask may have narrowed it
    } else if (!stat.isDirectory()) {
      throw copyError(
        `cannot copy to "${imagePath}": "${next.path}" exists in the image and is not a folder`,
        'choose another destination, or remove that file in an earlier step',
      );
    }
    current = next;
  }
  return current;
}

/**
 * The host path for the image path `imagePath`, whose parent folders are made to exist (see ensureDirIn). The
 * last component is not followed: whatever is there gets replaced, never written through.
 */
export async function placeIn(root: string, imagePath: string, owner: Owner): Promise<RootedPath> {
  const normal = posix.normalize(`/${imagePath}`);
  const parent = await ensureDirIn(root, posix.dirname(normal), owner);
  const base = posix.basename(normal);
  if (base === '' || base === '..') return parent;
  return { host: posix.join(parent.host, base), path: posix.join(parent.path, base) };
}
