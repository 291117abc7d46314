// Writing and deleting files in a container through the engine interface, which every engine has: the written
// files go as one tar extracted at "/" (the Docker archive API, which works on a stopped container too), the
// deleted ones through one `rm -rf --` run in the container, which needs it running.
import type { Stats } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { demultiplex } from '../../client/stdcopy.js';
import { BerthError } from '../../errors.js';
import type { WatchEngine } from './engine.js';

/** A host file and where it goes in the container (an absolute path). */
export interface FileCopy {
  host: string;
  container: string;
}

/**
 * Writes `files` into the container as one archive, streamed to the engine while the files are read (a few at a
 * time, in order). A symlink is written as a symlink, never read through, so nothing outside the watched tree
 * reaches the container. Returns the host paths that were gone when read (deleted after the event): the caller
 * deletes them in the container instead.
 */
export async function writeFiles(
  engine: WatchEngine,
  container: string,
  files: readonly FileCopy[],
): Promise<{ written: number; vanished: FileCopy[] }> {
  if (files.length === 0) return { written: 0, vanished: [] };
  const tar = pack();
  const upload = engine.containers.putArchive(container, '/', tar as unknown as Readable);
  upload.catch(() => undefined); // awaited below; an early refusal must not count as unhandled meanwhile
  const vanished: FileCopy[] = [];
  let written = 0;
  try {
    const reads = files.map((f, i) => (i < READ_AHEAD ? readEntry(f) : undefined));
    for (let i = 0; i < files.length; i++) {
      const f = files[i] as FileCopy;
      const entry = await (reads[i] ?? readEntry(f));
      const next = files[i + READ_AHEAD];
      if (next) reads[i + READ_AHEAD] = readEntry(next);
      if (entry === 'gone') vanished.push(f);
      else if (entry !== 'skip') {
        if (entry.body) tar.entry(entry.header, entry.body);
        else tar.entry(entry.header);
        written++;
      }
    }
    tar.finalize();
  } catch (e) {
    tar.destroy(e as Error);
  }
  await upload;
  return { written, vanished };
}

const READ_AHEAD = 16;

type ReadEntry = { header: Headers; body?: Buffer } | 'gone' | 'skip';
type Headers = Parameters<ReturnType<typeof pack>['entry']>[0];

async function readEntry(f: FileCopy): Promise<ReadEntry> {
  let st: Stats;
  try {
    st = await lstat(f.host);
  } catch {
    return 'gone';
  }
  const name = f.container.replace(/^\/+/, '');
  // root-owned in the container, as `docker cp` leaves what it copies; the mode and time are the host file's.
  const header = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: 0, gid: 0 };
  if (st.isSymbolicLink()) return { header: { ...header, type: 'symlink', linkname: await readlink(f.host) } };
  if (st.isDirectory()) return { header: { ...header, type: 'directory' } };
  if (!st.isFile()) return 'skip'; // sockets, FIFOs and devices are not synced, as Compose skips them
  const body = await readFile(f.host).catch(() => undefined);
  return body === undefined ? 'gone' : { header: { ...header, type: 'file', size: body.length }, body };
}

/** Runs `rm -rf -- PATHS...` in the running container; fails with the command's exit code and output. */
export async function deletePaths(engine: WatchEngine, container: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  const { exitCode, output } = await runInContainer(engine, container, { cmd: ['rm', '-rf', '--', ...paths] });
  if (exitCode !== 0) {
    throw new BerthError('CLI_WATCH_DELETE_FAILED', `rm in ${container} exited with ${exitCode}: ${output.trim()}`, {
      hint: 'the image needs an `rm` for watch to delete files; sync into a folder the container may write',
    });
  }
}

/** Runs a command in a running container, without a TTY, and waits for it; its output is returned as text. */
export async function runInContainer(
  engine: WatchEngine,
  container: string,
  req: { cmd: readonly string[]; env?: readonly string[]; user?: string; workingDir?: string; privileged?: boolean },
): Promise<{ exitCode: number; output: string }> {
  const { id } = await engine.exec.create(container, { ...req, attachStdout: true, attachStderr: true, tty: false });
  const stream = await engine.exec.start(id, { tty: false });
  const chunks: Buffer[] = [];
  try {
    await demultiplex(stream.output, (_stream, payload) => chunks.push(payload));
  } finally {
    stream.close();
  }
  // The output can end a moment before the engine records the exit.
  for (let i = 0; ; i++) {
    const d = await engine.exec.inspect(id);
    if ((!d.running && d.exitCode !== undefined) || i >= 100) {
      return { exitCode: d.exitCode ?? 0, output: Buffer.concat(chunks).toString('utf8') };
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}
