// A step's overlay upper folder taken whole as its layer (issue 14): once settled by the writer, the folder must be
// exactly what unpacking the written tar gives (entries, owners, modes, times, xattrs, whiteouts, hard links), and
// the layer store must take it by a rename, or unpack the tar when it cannot. Needs root and overlayfs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  createReadStream,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimUpper, upperFolderOf } from '../../../src/engine/build/claim-upper.js';
import { writeLayerTar } from '../../../src/engine/build/layer-tar.js';
import { parseGetfattr, scanXattrs } from '../../../src/engine/fs/xattr-scan.js';
import { extractLayer } from '../../../src/engine/layers/extract.js';
import { LayerStore } from '../../../src/engine/layers/layer-store.js';

const MTIME = 1_700_000_000;

function canMountOverlay(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'berth-settle-probe-'));
  try {
    for (const d of ['l', 'u', 'w', 'm']) mkdirSync(join(dir, d));
    const opts = `lowerdir=${join(dir, 'l')},upperdir=${join(dir, 'u')},workdir=${join(dir, 'w')}`;
    const ok = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', opts, join(dir, 'm')]).status === 0;
    if (ok) spawnSync('umount', [join(dir, 'm')]);
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every entry under `root` as a line: what unpacking decides (not atime, ctime or inode numbers). */
async function walkOf(root: string): Promise<string[]> {
  const xattrs = (await scanXattrs(root)).byPath;
  const groups = new Map<number, string>(); // inode → first path, for hard links
  const out: string[] = [];
  const visit = (rel: string): void => {
    const path = rel === '' ? root : join(root, rel);
    const s = lstatSync(path);
    const attrs = [...(xattrs.get(rel) ?? new Map<string, Buffer>())].map(([k, v]) => `${k}=${v.toString('hex')}`);
    const first = groups.get(s.ino);
    if (!s.isDirectory() && s.nlink > 1 && first === undefined) groups.set(s.ino, rel);
    const kind = s.isDirectory()
      ? 'dir'
      : s.isSymbolicLink()
        ? `symlink->${readlinkSync(path)}`
        : s.isFile()
          ? `file ${s.size} ${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12)}`
          : s.isCharacterDevice()
            ? `chr ${s.rdev}`
            : s.isFIFO()
              ? 'fifo'
              : 'other';
    const time = rel === '' ? '' : ` t=${Math.floor(s.mtimeMs)}`; // the root's time is not the tar's
    const link = first === undefined ? '' : ` =${first}`;
    out.push(`${rel || '/'} ${kind} ${(s.mode & 0o7777).toString(8)} ${s.uid}:${s.gid}${time}${link} [${attrs}]`);
    if (s.isDirectory()) for (const name of readdirSync(path).sort()) visit(rel === '' ? name : `${rel}/${name}`);
  };
  visit('');
  return out;
}

describe.runIf(canMountOverlay())('a settled upper folder is its layer', () => {
  const dirs: string[] = [];
  const mounts: string[] = [];
  const temp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'berth-settle-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const m of mounts.splice(0)) spawnSync('umount', [m]);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** An overlay upper folder with every kind of change a RUN makes, left by real overlayfs; returns it claimed. */
  async function stepUpper(d: string): Promise<{ folder: string; skip: Set<string> }> {
    const [lower, upper, work, merged] = [join(d, 'lower'), join(d, 'upper'), join(d, 'work'), join(d, 'merged')];
    for (const p of [join(lower, 'dir'), join(lower, 'etc'), upper, work, merged]) mkdirSync(p, { recursive: true });
    for (const f of ['keep.txt', 'gone.txt', 'copied.txt', 'dir/old']) writeFileSync(join(lower, f), f);
    const opts = `lowerdir=${lower},upperdir=${upper},workdir=${work}`;
    expect(spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', opts, merged]).status).toBe(0);
    mounts.push(merged);
    const m = (p: string): string => join(merged, p);
    rmSync(m('gone.txt')); // a whiteout
    rmSync(m('dir'), { recursive: true }); // an opaque folder
    mkdirSync(m('dir'));
    writeFileSync(m('dir/new'), 'new');
    appendFileSync(m('copied.txt'), ' changed'); // a copy-up: overlayfs may mark it with its own xattrs
    mkdirSync(m('app/private'), { recursive: true });
    writeFileSync(m('app/a.js'), 'a'.repeat(5000));
    linkSync(m('app/a.js'), m('app/a-hard.js'));
    symlinkSync('../keep.txt', m('app/link'));
    writeFileSync(m('app/tool'), '#!/bin/sh\n');
    chownSync(m('app/tool'), 1234, 5678);
    chmodSync(m('app/tool'), 0o4755); // after chown, which clears setuid
    chownSync(m('app/private'), 42, 43);
    chmodSync(m('app/private'), 0o700);
    writeFileSync(m('app/secret'), 's', { mode: 0o640 });
    chownSync(m('app/secret'), 0, 99);
    expect(spawnSync('mkfifo', [m('app/fifo')]).status).toBe(0);
    expect(spawnSync('setfattr', ['-n', 'user.note', '-v', 'hi', m('app/a.js')]).status).toBe(0); // not in a tar
    const sock = spawnSync('python3', [
      '-c',
      'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
      m('app/sock'),
    ]);
    expect(sock.status).toBe(0); // a socket: not in a tar
    mkdirSync(m('proc')); // the runtime's mount points
    writeFileSync(m('etc/hosts'), '');
    const folder = await claimUpper(merged, upper, upperFolderOf(join(d, 'layer.tar')));
    expect(folder).toBe(upperFolderOf(join(d, 'layer.tar')));
    return { folder: folder ?? '', skip: new Set(['proc', 'etc/hosts']) };
  }

  it('equals the unpack of its tar: whiteout, opaque folder, symlink, hard link, odd modes and owners', async () => {
    const d = temp();
    const { folder, skip } = await stepUpper(d);
    const tar = join(d, 'layer.tar');
    const plain = await writeLayerTar(folder, join(d, 'plain.tar'), { mtime: MTIME, skip });
    const written = await writeLayerTar(folder, tar, { mtime: MTIME, skip, settle: true });
    expect(written.settled?.path).toBe(folder);
    expect(written.digest).toBe(plain.digest); // settling changes the folder, never the tar
    const unpacked = join(d, 'unpacked');
    const result = await extractLayer(createReadStream(tar), unpacked, { expectedDiffId: written.digest });
    expect(written.settled?.size).toBe(result.size);
    const moved = await walkOf(folder);
    expect(moved).toEqual(await walkOf(unpacked));
    // What the comparison covers is really there, and what a tar cannot carry is gone.
    const line = (p: string): string => moved.find((l) => l.startsWith(`${p} `)) ?? '';
    expect(line('gone.txt')).toMatch(/^gone.txt chr 0 0 0:0 t=1700000000000/);
    expect(line('dir')).toContain('trusted.overlay.opaque=79');
    expect(line('app/a.js')).toContain('=app/a-hard.js'); // one inode ('-' sorts before '.')
    expect(line('app/a.js')).toContain('[]');
    expect(line('app/tool')).toContain('4755 1234:5678');
    expect(line('app/private')).toContain('700 42:43');
    expect(line('app/link')).toContain('symlink->../keep.txt');
    expect(line('app/fifo')).toContain('fifo');
    expect(moved.filter((l) => /^(app\/sock|proc|etc\/hosts) /.test(l))).toEqual([]);
    expect(moved.filter((l) => l.includes('trusted.overlay.') && !l.startsWith('dir '))).toEqual([]);
  });

  it('is renamed into the layer store, or the tar unpacked when the folder cannot be taken', async () => {
    const d = temp();
    const { folder, skip } = await stepUpper(d);
    const tar = join(d, 'layer.tar');
    const written = await writeLayerTar(folder, tar, { mtime: MTIME, skip, settle: true });
    const expected = await walkOf(folder);
    const inode = lstatSync(folder).ino;
    const trusted = { diffId: written.digest, trustDiffId: true, folder: written.settled };
    const store = await LayerStore.open(join(d, 'root'));
    const info = await store.ensure(tar, undefined, { ...trusted, user: 'image-a' });
    expect(lstatSync(store.diffDir(info.chainId)).ino).toBe(inode); // moved, not copied
    expect(info.size).toBe(written.settled?.size);
    expect(await walkOf(store.diffDir(info.chainId))).toEqual(expected);
    // A folder that is not there any more (another file system fails the same way): the tar is unpacked.
    const other = await LayerStore.open(join(d, 'root-2'));
    const again = await other.ensure(tar, undefined, { ...trusted, user: 'image-a' });
    expect(again.chainId).toBe(info.chainId);
    expect(await walkOf(other.diffDir(again.chainId))).toEqual(expected);
  });

  it('a crash once the folder is in the layer store under its ingest name leaves no layer, and open removes it', async () => {
    const d = temp();
    const { folder, skip } = await stepUpper(d);
    const written = await writeLayerTar(folder, join(d, 'layer.tar'), { mtime: MTIME, skip, settle: true });
    expect(written.settled).toBeDefined();
    // The state of a kill -9 between ensure's two renames: the folder moved in, no meta.json, not published.
    const root = join(d, 'root');
    await LayerStore.open(root);
    const ingest = join(root, 'layers', '.ingest-0123456789abcdef');
    mkdirSync(ingest);
    renameSync(folder, join(ingest, 'diff'));
    const store = await LayerStore.open(root);
    expect(store.list()).toEqual([]);
    expect(readdirSync(join(root, 'layers'))).toEqual([]);
  });

  it('is left alone when a file would unpack as something else (a file named .wh.*)', async () => {
    const d = temp();
    const upper = join(d, 'upper');
    mkdirSync(upper);
    writeFileSync(join(upper, '.wh.looks-like-a-whiteout'), 'x');
    const plain = await writeLayerTar(upper, join(d, 'plain.tar'), { mtime: MTIME });
    const written = await writeLayerTar(upper, join(d, 'layer.tar'), { mtime: MTIME, settle: true });
    expect(written.settled).toBeUndefined();
    expect(written.digest).toBe(plain.digest);
  });
});

describe('parseGetfattr', () => {
  it('reads every attribute of every path under the root, empty values and escaped names included', () => {
    const dump = [
      '# file: /r',
      'trusted.overlay.uuid=0x9d50',
      '',
      '# file: /r/dir',
      'trusted.overlay.opaque=0x79',
      'user.empty',
      '',
      '# file: /r/caf\\303\\251 x',
      'user.q=0x31',
      '# file: /elsewhere',
      'user.no=0x00',
    ].join('\n');
    const parsed = parseGetfattr(dump, '/r');
    const shown = [...parsed].map(([p, attrs]) => [p, [...attrs].map(([k, v]) => `${k}=${v.toString('hex')}`)]);
    expect(shown).toEqual([
      ['', ['trusted.overlay.uuid=9d50']],
      ['dir', ['trusted.overlay.opaque=79', 'user.empty=']],
      ['café x', ['user.q=31']],
    ]);
  });
});
