// An image's root filesystem mounted for a build step that changes files without running anything (COPY, ADD,
// WORKDIR) or that reads another image's files (COPY --from): an overlay of its layers with a fresh upper folder,
// so that the step's changes are exactly the upper folder's content.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageStore } from '../images/image-store.js';
import { mountOverlay, unmount } from '../runtime/overlay.js';

/** A mounted image root: `merged` is the root to read and write, `upper` what was written. Close to unmount. */
export interface RootfsMount extends AsyncDisposable {
  merged: string;
  upper: string;
  close(): Promise<void>;
}

/**
 * Mounts the image `imageId` (none: scratch, an empty root) under `workDir`, in a folder of its own that `close`
 * removes. Nothing is written to the image's layers.
 */
export async function mountRootfs(
  images: ImageStore,
  imageId: string | undefined,
  workDir: string,
): Promise<RootfsMount> {
  const dir = join(workDir, `mount-${randomBytes(6).toString('hex')}`);
  const upper = join(dir, 'upper');
  const work = join(dir, 'work');
  const merged = join(dir, 'merged');
  const empty = join(dir, 'empty');
  await Promise.all([upper, work, merged, empty].map((d) => mkdir(d, { recursive: true, mode: 0o755 })));
  const layers = imageId === undefined ? [] : images.rootfsLayers(imageId);
  const lowerdirs = layers.length === 0 ? [empty] : [...layers].reverse();
  await mountOverlay({ lowerdirs, upperdir: upper, workdir: work, target: merged });
  const close = async (): Promise<void> => {
    await unmount(merged);
    await rm(dir, { recursive: true, force: true });
  };
  return { merged, upper, close, [Symbol.asyncDispose]: close };
}
