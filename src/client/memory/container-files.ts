// A container's files in the in-memory engine, for the archive calls (docker cp): a map of absolute paths,
// seeded from the image. Stat answers with Go's os.FileMode bits, as dockerd's X-Docker-Container-Path-Stat
// does; get gives a tar of the path named by its base name; put extracts a tar into an existing folder.
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ContainerPathStat } from '../types.js';
import type { ContainerRecord, MemoryFile, MemoryState } from './state.js';
import { engineError } from './state.js';

const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;

/** The files of a new image: the folders every busybox image has, then the test's own. */
export function imageFiles(files: Record<string, string | Buffer> = {}, mtime: string): Map<string, MemoryFile> {
  const out = new Map<string, MemoryFile>();
  const dir = (mode = 0o755): MemoryFile => ({
    type: 'directory',
    mode,
    content: Buffer.alloc(0),
    linkTarget: '',
    mtime,
  });
  for (const p of ['/', '/bin', '/dev', '/etc', '/proc', '/sys']) out.set(p, dir());
  out.set('/tmp', dir(0o1777));
  for (const [path, content] of Object.entries(files)) {
    const p = clean(path);
    for (let d = posix.dirname(p); !out.has(d); d = posix.dirname(d)) out.set(d, dir());
    if (path.endsWith('/')) out.set(p, dir());
    else out.set(p, { type: 'file', mode: 0o644, content: Buffer.from(content), linkTarget: '', mtime });
  }
  return out;
}

function clean(path: string): string {
  const p = posix.normalize(`/${path}`);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function statOf(path: string, f: MemoryFile): ContainerPathStat {
  const typeBits = f.type === 'directory' ? GO_MODE_DIR : f.type === 'symlink' ? GO_MODE_SYMLINK : 0;
  return {
    name: path === '/' ? '/' : posix.basename(path),
    size: f.content.length,
    mode: typeBits + (f.mode & 0o777),
    mtime: f.mtime,
    linkTarget: f.linkTarget,
  };
}

export function statPath(c: ContainerRecord, path: string): ContainerPathStat | undefined {
  const p = clean(path);
  const f = c.files.get(p);
  return f ? statOf(p, f) : undefined;
}

export function getArchive(c: ContainerRecord, path: string): { stat: ContainerPathStat; tar: Readable } {
  const p = clean(path);
  const f = c.files.get(p);
  if (!f) throw engineError('not-found', `Could not find the file ${path} in container ${c.name}`);
  const pack = tar.pack();
  const base = p === '/' ? '.' : posix.basename(p);
  const under = [...c.files.keys()].filter((k) => k === p || k.startsWith(p === '/' ? '/' : `${p}/`)).sort();
  for (const k of under) {
    const e = c.files.get(k);
    if (!e) continue;
    const name = k === p ? base : posix.join(base, k.slice(p === '/' ? 1 : p.length + 1));
    const header = { name, mode: e.mode, mtime: new Date(e.mtime), uid: 0, gid: 0 };
    if (e.type === 'directory') pack.entry({ ...header, type: 'directory' });
    else if (e.type === 'symlink') pack.entry({ ...header, type: 'symlink', linkname: e.linkTarget });
    else pack.entry({ ...header, type: 'file' }, e.content);
  }
  pack.finalize();
  return { stat: statOf(p, f), tar: Readable.from(pack) };
}

export async function putArchive(s: MemoryState, c: ContainerRecord, path: string, source: Readable): Promise<void> {
  const p = clean(path);
  const target = c.files.get(p);
  if (!target) throw engineError('not-found', `Could not find the file ${path} in container ${c.name}`);
  if (target.type !== 'directory') throw engineError('invalid', 'extraction point is not a directory');
  // Read the whole tar before changing anything, so a broken stream leaves the files as they were.
  const entries: Array<[string, MemoryFile]> = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (d: unknown) => chunks.push(d as Buffer));
      stream.on('end', () => {
        const type = header.type === 'directory' ? 'directory' : header.type === 'symlink' ? 'symlink' : 'file';
        const mtime = (header.mtime ?? new Date(0)).toISOString();
        const mode = header.mode ?? (type === 'directory' ? 0o755 : 0o644);
        const file: MemoryFile = {
          type,
          mode,
          content: Buffer.concat(chunks),
          linkTarget: header.linkname ?? '',
          mtime,
        };
        entries.push([clean(posix.join(p, header.name)), file]);
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', () => resolve());
    extract.on('error', reject);
    source.on('error', reject);
  });
  source.pipe(extract);
  try {
    await done;
  } catch (e) {
    throw engineError('invalid', `the archive could not be read: ${(e as Error).message}`);
  }
  s.record('containers.putArchive', `${c.name} ${p}`);
  for (const [name, file] of entries) c.files.set(name, file);
  s.emit('container', 'extract-to-dir', c.id, { name: c.name, path: p });
}
