// ADD of a local archive: a file that is a tar (plain, gzip, bzip2 or xz, told by its bytes, not its name) is
// extracted into the destination instead of copied, as moby's isArchivePath and UntarPath do.
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { resolveInRoot } from '../../fs/resolve-in-root.js';
import { EngineError } from '../../errors.js';
import { copyError } from './context-errors.js';
import { decompress, detectCompression, peek } from '../../content/compression.js';
import { placeIn } from './copy-rootfs.js';
import { type TarTarget, writeTarEntries } from '../../fs/tar-writer.js';

/** True when the file's (uncompressed) first block is a valid tar header, as Go's tar reader would accept. */
export async function isTarArchive(path: string): Promise<boolean> {
  let plain: Readable | undefined;
  try {
    plain = await openUncompressed(path);
    const { head } = await peek(plain, 512);
    return isTarHeader(head.subarray(0, 512));
  } catch {
    return false; // unreadable as a compressed stream: Docker copies such a file as it is
  } finally {
    plain?.destroy();
  }
}

/**
 * Extracts the archive `file` into the image folder `dest` (resolved under `root`). Entries keep the owner,
 * mode and mtime the archive gives them (ADD's --chown and --chmod do not apply, as with Docker's UntarPath);
 * a name with `..` climbing out of `dest` fails; symlinks already in the image are followed inside `root`.
 */
export async function extractArchive(file: string, root: string, dest: string): Promise<void> {
  const target: TarTarget = {
    place: async (rel) => (await placeIn(root, posix.join(dest, rel), { uid: 0, gid: 0 })).host,
    linkTarget: async (rel) => (await resolveInRoot(root, posix.join(dest, rel), false)).host,
    owner: (header) => ({ uid: header.uid ?? 0, gid: header.gid ?? 0 }),
    refuse: (name, why) =>
      copyError(`ADD archive "${posix.basename(file)}": entry "${name}" ${why}`, 'fix or rebuild the archive'),
    devices: true,
  };
  try {
    await writeTarEntries(await openUncompressed(file), target);
  } catch (e) {
    if (e instanceof EngineError || (e as NodeJS.ErrnoException).syscall !== undefined) throw e;
    throw copyError(
      `ADD archive "${posix.basename(file)}" could not be extracted: ${e instanceof Error ? e.message : String(e)}`,
      'check that the archive is complete; COPY it instead to add it unextracted',
      { cause: e },
    );
  }
}

async function openUncompressed(path: string): Promise<Readable> {
  const { head, stream } = await peek(createReadStream(path), 6);
  const kind = detectCompression(head);
  if (kind === 'zstd') {
    stream.destroy();
    throw new Error('zstd archives are not extracted'); // Docker's classic builder copies them as files too
  }
  return decompress(stream, kind);
}

function isTarHeader(block: Buffer): boolean {
  if (block.length < 512 || block.every((b) => b === 0)) return false;
  const field = block
    .subarray(148, 156)
    .toString('latin1')
    .replace(/[\0 ]+$/g, '')
    .trim();
  if (!/^[0-7]+$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return parseInt(field, 8) === sum;
}
