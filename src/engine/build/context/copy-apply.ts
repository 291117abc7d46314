// applyCopy: writes a planned COPY or ADD into the root filesystem of the image being built.
import { realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { resolveInRoot } from '../../fs/resolve-in-root.js';
import { extractArchive } from './copy-archive.js';
import { type Owner, ensureDirIn, placeIn } from './copy-rootfs.js';
import { type CopyOptions, copyChildren, copyNode } from './copy-tree.js';
import type { CopyEntry, CopyPlan, CopyRequest } from './copy-types.js';

/**
 * Applies `plan` (from planCopy with the same `req`) to `rootfs`, the host path of the image root. Every image
 * path is resolved with the image's symlinks followed inside `rootfs`, so nothing is written outside it.
 * Created folders are 0755, owned by `chown` (else 0:0); copied entries get `chown` (else 0:0 from the
 * context, their own owner from a stage) and `chmod` when given; modes and mtimes are kept otherwise.
 */
export async function applyCopy(plan: CopyPlan, req: CopyRequest, rootfs: string): Promise<void> {
  const root = await realpath(rootfs);
  const created: Owner = req.chown ?? { uid: 0, gid: 0 };
  const opts: CopyOptions = {
    owner: req.chown ?? (req.fromContext ? { uid: 0, gid: 0 } : undefined),
    chmod: req.chmod,
    links: new Map(),
  };
  for (const entry of plan.entries) await applyEntry(entry, root, created, opts);
}

async function applyEntry(entry: CopyEntry, root: string, created: Owner, opts: CopyOptions): Promise<void> {
  switch (entry.kind) {
    case 'dir': {
      const dest = await ensureDirIn(root, entry.to, created);
      return copyChildren(entry.from, dest.host, opts);
    }
    case 'archive': {
      const dest = await ensureDirIn(root, entry.to, created);
      return extractArchive(entry.from, root, dest.path);
    }
    case 'file': {
      // Docker follows a symlink at the destination (FollowSymlinkInScope) and writes where it leads.
      const resolved = await resolveInRoot(root, entry.to, true);
      const isDir = (await stat(resolved.host).catch(() => null))?.isDirectory() === true;
      const to = entry.intoExistingDir && isDir ? posix.join(resolved.path, entry.name) : resolved.path;
      const target = await placeIn(root, to, created);
      return copyNode(entry.from, await stat(entry.from), target.host, opts);
    }
    default: {
      const never: never = entry;
      throw new Error(`unknown copy entry ${JSON.stringify(never)}`);
    }
  }
}
