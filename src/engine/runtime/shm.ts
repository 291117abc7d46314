// A shareable container's /dev/shm: a tmpfs berthd mounts on the host (in the container's folder) and binds into
// the container, so that containers joining its IPC namespace can bind the same one, as dockerd's ShmPath does.
import { mkdir } from 'node:fs/promises';
import { EngineError } from '../errors.js';
import { isMounted } from './overlay.js';
import { runTool } from './run-tool.js';

/** Mounts a tmpfs of `size` bytes at `target` (created if missing), unless one is mounted there already. */
export async function mountShm(target: string, size: number): Promise<void> {
  if (await isMounted(target)) return;
  await mkdir(target, { recursive: true, mode: 0o700 });
  const options = `nosuid,nodev,noexec,mode=1777,size=${size}`;
  const r = await runTool('mount', ['-t', 'tmpfs', '-o', options, 'shm', target]);
  if (r.code !== 0) {
    throw new EngineError(
      'internal',
      'ENGINE_MOUNT_FAILED',
      `mounting /dev/shm at "${target}" failed: ${r.stderr.trim()}`,
    );
  }
}
