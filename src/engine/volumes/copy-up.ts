// Docker's copy-up: the first time an empty volume is mounted, the image's content at the mount path is copied
// into it (ownership, modes, times, symlinks, hard links, xattrs). The path is resolved inside the container's
// rootfs as in a chroot, so a symlink in the image can never make berthd read from, or write to, the host.
import { readdir, realpath } from 'node:fs/promises';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import { EngineError } from '../errors.js';
import { lstatOrNull } from '../fs/path-entry.js';
import { runTool } from '../runtime/run-tool.js';

/**
 * Copies the folder at `destination` (a path in the container) of the mounted `rootfs` into `data` when `data`
 * is empty; does nothing when it is not, or when the image has no folder there. Returns whether it copied.
 */
export async function copyUp(rootfs: string, destination: string, data: string): Promise<boolean> {
  if ((await readdir(data)).length > 0) return false;
  const { host } = await resolveInRoot(rootfs, destination, true);
  const stat = await lstatOrNull(host);
  if (!stat?.isDirectory()) return false;
  // resolveInRoot followed every symlink by hand; this catches one planted between that and the copy.
  const [real, root] = await Promise.all([realpath(host), realpath(rootfs)]);
  if (real !== root && !real.startsWith(`${root}/`)) {
    throw new EngineError('invalid', 'ENGINE_MOUNT_ESCAPE', `"${destination}" leads outside the container`);
  }
  // cp -a never follows a symlink inside the tree it copies (-P), and -T copies the folder's own owner and mode
  // onto the volume's root, as Docker's copyOwnership does.
  const r = await runTool('cp', ['-a', '-T', '--', real, data]);
  if (r.code !== 0) {
    throw new EngineError(
      'internal',
      'ENGINE_COPY_UP_FAILED',
      `copying "${destination}" into the volume failed: ${r.stderr.trim()}`,
    );
  }
  return true;
}
