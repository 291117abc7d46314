// copyUIDGID (docker cp -a): who owns what a PUT extracts. dockerd keeps the archive's ids, unless the container
// has a User, whose uid:gid then owns every entry (moby daemon/archive_tarcopyoptions_unix.go tarCopyOptions).
import { readFile } from 'node:fs/promises';
import { resolveUser } from '../runtime/oci-user.js';
import type { ContainerView } from './container-view.js';
import { resolveInView } from './container-view.js';

/** The owner for copyUIDGID: undefined (the archive's ids) without a User; names resolved in the container. */
export async function ownerOf(view: ContainerView, user: unknown): Promise<{ uid: number; gid: number } | undefined> {
  if (typeof user !== 'string' || user === '') return undefined;
  const resolved = resolveUser(user, await readInView(view, '/etc/passwd'), await readInView(view, '/etc/group'));
  return { uid: resolved.uid, gid: resolved.gid };
}

async function readInView(view: ContainerView, path: string): Promise<string | undefined> {
  try {
    return await readFile((await resolveInView(view, path, true)).host, 'utf8');
  } catch {
    return undefined;
  }
}
