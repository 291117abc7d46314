// A build step's overlay upper folder taken over by the build once the step is done (its RUN container exited,
// its COPY written): unmounted, and moved into the build's work folder, so that it outlives the container and can
// become the layer itself (writeLayerTar's `settle`, then the layer store's rename) instead of being copied.
import { realpath, rename } from 'node:fs/promises';
import { hasMountsUnder, isMounted } from '../runtime/overlay.js';
import { runTool } from '../runtime/run-tool.js';

/** Where a layer tar's upper folder is kept until the commit takes it: beside the tar, in the build's work folder. */
export function upperFolderOf(layerTar: string): string {
  return `${layerTar}.upper`;
}

/**
 * Unmounts the overlay at `merged` and renames its upper folder `upper` to `to` (same file system: both under
 * berthd's root). Returns `to`, or undefined with the upper folder left where it was (the step then writes its
 * layer as before) when the overlay would only come off lazily (something still holds it), something is mounted
 * in the upper folder, or the rename fails (another file system).
 */
export async function claimUpper(merged: string, upper: string, to: string): Promise<string | undefined> {
  // A plain umount or nothing: after a lazy one, a process could still write through the overlay into the folder.
  if ((await isMounted(merged)) && (await runTool('umount', [merged])).code !== 0) return undefined;
  const real = await realpath(upper).catch(() => undefined);
  if (real === undefined || (await hasMountsUnder(real))) return undefined;
  try {
    await rename(real, to);
    return to;
  } catch {
    return undefined;
  }
}
