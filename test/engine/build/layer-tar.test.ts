// A build step's overlay upper folder written as an OCI layer tar: whiteouts, opaque folders, hard links, the
// runtime's mount points left out, and the same bytes whatever the files' times.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  lstatSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { layerFilesOf, writeLayerTar } from '../../../src/engine/build/layer-tar.js';
import { extractLayer } from '../../../src/engine/layers/extract.js';

interface Seen {
  name: string;
  type: string;
  linkname?: string | null;
  mtime?: Date;
  mode?: number;
  uid?: number;
}

async function entriesOf(file: string): Promise<Seen[]> {
  const out: Seen[] = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (h, stream, next) => {
      out.push({
        name: h.name,
        type: h.type ?? 'file',
        linkname: h.linkname,
        mtime: h.mtime,
        mode: h.mode,
        uid: h.uid,
      });
      stream.on('end', next);
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(readFileSync(file));
  await done;
  return out;
}

describe('writeLayerTar', () => {
  const dirs: string[] = [];
  const temp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'layer-tar-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes files sorted, with whiteouts, opaque markers, symlinks and hard links, at the fixed time', async () => {
    const d = temp();
    const upper = join(d, 'upper');
    mkdirSync(join(upper, 'b/opaque'), { recursive: true });
    writeFileSync(join(upper, 'b/file'), 'x');
    linkSync(join(upper, 'b/file'), join(upper, 'b/hard'));
    symlinkSync('file', join(upper, 'b/link'));
    writeFileSync(join(upper, 'a.txt'), 'a');
    expect(spawnSync('mknod', [join(upper, 'b/gone'), 'c', '0', '0']).status).toBe(0);
    expect(spawnSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(upper, 'b/opaque')]).status).toBe(0);
    const out = join(d, 'layer.tar');
    const r = await writeLayerTar(upper, out, { mtime: 1_700_000_000 });
    const seen = await entriesOf(out);
    expect(r.entries).toBe(seen.length);
    expect(seen.map((e) => `${e.type} ${e.name}${e.linkname ? ` -> ${e.linkname}` : ''}`)).toEqual([
      'file a.txt',
      'directory b/',
      'file b/file',
      'file b/.wh.gone',
      'link b/hard -> b/file',
      'symlink b/link -> file',
      'directory b/opaque/',
      'file b/opaque/.wh..wh..opq',
    ]);
    expect(new Set(seen.map((e) => e.mtime?.getTime()))).toEqual(new Set([1_700_000_000_000]));
    // The writer's headers are the tar's, and a layer unpacked from them has the whiteout and the opaque folder.
    const files = join(d, 'files');
    const w = await writeLayerTar(upper, join(d, 'again.tar'), { mtime: 1_700_000_000, linkInto: files });
    expect(w.headers?.map((h) => `${h.type} ${h.name}`)).toEqual(seen.map((e) => `${e.type} ${e.name}`));
    const trusted = { linkFrom: files, expectedDiffId: w.digest, trustDiffId: true, headers: w.headers };
    await extractLayer(Buffer.alloc(0), join(d, 'listed'), trusted);
    expect(lstatSync(join(d, 'listed/b/gone')).rdev).toBe(0);
    expect(lstatSync(join(d, 'listed/b/gone')).isCharacterDevice()).toBe(true);
    const opq = spawnSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', join(d, 'listed/b/opaque')]);
    expect(opq.stdout.toString()).toBe('y');
    expect(lstatSync(join(d, 'listed/b/hard')).ino).toBe(lstatSync(join(d, 'listed/b/file')).ino);
  });

  it('gives the same bytes when only file times differ', async () => {
    const d = temp();
    const upper = join(d, 'upper');
    mkdirSync(join(upper, 'app'), { recursive: true });
    writeFileSync(join(upper, 'app/main.js'), 'console.log(1)\n');
    await writeLayerTar(upper, join(d, 'one.tar'), { mtime: 0 });
    const later = new Date(Date.now() + 86_400_000);
    utimesSync(join(upper, 'app/main.js'), later, later);
    utimesSync(join(upper, 'app'), later, later);
    await writeLayerTar(upper, join(d, 'two.tar'), { mtime: 0 });
    const hash = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');
    expect(hash(join(d, 'two.tar'))).toBe(hash(join(d, 'one.tar')));
  });

  it("leaves out the runtime's empty mount points and the folders made only for them", async () => {
    const d = temp();
    const upper = join(d, 'upper');
    mkdirSync(join(upper, 'proc'), { recursive: true });
    mkdirSync(join(upper, 'dev/pts'), { recursive: true });
    mkdirSync(join(upper, 'etc'), { recursive: true });
    writeFileSync(join(upper, 'etc/hosts'), '');
    writeFileSync(join(upper, 'etc/app.conf'), 'kept');
    writeFileSync(join(upper, 'made-by-run'), 'kept');
    const out = join(d, 'layer.tar');
    await writeLayerTar(upper, out, { mtime: 0, skip: new Set(['proc', 'dev', 'dev/pts', 'etc/hosts']) });
    expect((await entriesOf(out)).map((e) => e.name)).toEqual(['etc/', 'etc/app.conf', 'made-by-run']);
  });

  it('writes nothing but the end marker when the step changed nothing', async () => {
    const d = temp();
    mkdirSync(join(d, 'upper'));
    const r = await writeLayerTar(join(d, 'upper'), join(d, 'layer.tar'), { mtime: 0 });
    expect(r.entries).toBe(0);
  });

  it('a layer unpacked from its linked files equals one unpacked from the tar, and shares their inodes', async () => {
    const d = temp();
    const upper = join(d, 'upper');
    mkdirSync(join(upper, 'app/lib'), { recursive: true });
    writeFileSync(join(upper, 'app/lib/a.js'), 'a'.repeat(5000));
    writeFileSync(join(upper, 'app/empty'), '');
    writeFileSync(join(upper, 'app/b.js'), 'b');
    linkSync(join(upper, 'app/b.js'), join(upper, 'app/b-hard.js'));
    symlinkSync('b.js', join(upper, 'app/b-link'));
    const file = join(d, 'layer.tar');
    const written = await writeLayerTar(upper, file, { mtime: 1_700_000_000, linkInto: layerFilesOf(file) });
    expect(readdirSync(layerFilesOf(file)).sort()).toEqual(['0', '1']); // a.js and b.js, the files with a body
    // The digest hashed while writing is the file's, and the diffID a full extraction computes from the tar.
    expect(written.digest).toBe(`sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`);
    expect(written.size).toBe(lstatSync(file).size);
    const plain = await extractLayer(readFileSync(file), join(d, 'plain'));
    const linkFrom = layerFilesOf(file);
    const trusted = { linkFrom, expectedDiffId: written.digest, trustDiffId: true };
    const linked = await extractLayer(readFileSync(file), join(d, 'linked'), trusted);
    // From the writer's headers: the tar is not parsed (an empty buffer stands for it).
    expect(written.headers?.length).toBe(written.entries);
    const listed = await extractLayer(Buffer.alloc(0), join(d, 'listed'), { ...trusted, headers: written.headers });
    expect(linked).toEqual(plain);
    expect(listed).toEqual(plain);
    for (const out of ['linked', 'listed']) {
      const rels = ['app', 'app/lib', 'app/lib/a.js', 'app/empty', 'app/b.js', 'app/b-hard.js', 'app/b-link'];
      for (const rel of rels) {
        const [p, l] = [lstatSync(join(d, 'plain', rel)), lstatSync(join(d, out, rel))];
        expect([l.mode, l.uid, l.gid, l.size, l.mtimeMs], `${out} ${rel}`).toEqual([
          p.mode,
          p.uid,
          p.gid,
          p.size,
          p.mtimeMs,
        ]);
      }
      expect(readdirSync(join(d, out, 'app')).sort()).toEqual(readdirSync(join(d, 'plain', 'app')).sort());
      expect(readFileSync(join(d, out, 'app/lib/a.js'), 'utf8')).toBe('a'.repeat(5000));
      expect(readlinkSync(join(d, out, 'app/b-link'))).toBe('b.js');
      expect(lstatSync(join(d, out, 'app/lib/a.js')).ino).toBe(lstatSync(join(upper, 'app/lib/a.js')).ino);
      expect(lstatSync(join(d, out, 'app/b-hard.js')).ino).toBe(lstatSync(join(d, out, 'app/b.js')).ino);
    }
  });

  it('a trusted diffID is taken as given, not computed again; an untrusted one is checked', async () => {
    const d = temp();
    const upper = join(d, 'upper');
    mkdirSync(upper);
    writeFileSync(join(upper, 'f'), 'x');
    const file = join(d, 'layer.tar');
    await writeLayerTar(upper, file, { mtime: 0 });
    const other = `sha256:${'0'.repeat(64)}`;
    const trusted = await extractLayer(readFileSync(file), join(d, 'a'), { expectedDiffId: other, trustDiffId: true });
    expect(trusted.diffId).toBe(other);
    expect(readFileSync(join(d, 'a/f'), 'utf8')).toBe('x');
    await expect(extractLayer(readFileSync(file), join(d, 'b'), { expectedDiffId: other })).rejects.toMatchObject({
      code: 'ENGINE_DIFFID_MISMATCH',
    });
  });

  it('a linked file that is not what the tar holds is written from the tar instead', async () => {
    const d = temp();
    const upper = join(d, 'upper');
    mkdirSync(upper);
    writeFileSync(join(upper, 'f'), 'from the tar');
    const file = join(d, 'layer.tar');
    const written = await writeLayerTar(upper, file, { mtime: 0, linkInto: layerFilesOf(file) });
    rmSync(join(layerFilesOf(file), '0'));
    writeFileSync(join(layerFilesOf(file), '0'), 'other size');
    await extractLayer(readFileSync(file), join(d, 'out'), { linkFrom: layerFilesOf(file) });
    expect(readFileSync(join(d, 'out/f'), 'utf8')).toBe('from the tar');
    // From the writer's headers too: the file cannot be linked, so the tar is read after all, nothing left behind.
    const trusted = { linkFrom: layerFilesOf(file), expectedDiffId: written.digest, trustDiffId: true };
    await extractLayer(readFileSync(file), join(d, 'listed'), { ...trusted, headers: written.headers });
    expect(readFileSync(join(d, 'listed/f'), 'utf8')).toBe('from the tar');
    expect(readdirSync(d).filter((n) => n.includes('partial'))).toEqual([]);
  });
});
