// Unpacking a received build context: plain and gzip, nothing written outside the folder or through a
// symlink, hard links inside only, and the daemon's removal of an ignored Dockerfile and .dockerignore.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { Pack } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneBuildFiles } from '../../../../src/engine/build/context/prune-build-files.js';
import { unpackContext } from '../../../../src/engine/build/context/unpack-context.js';

let sandbox: string;
let out: string;
beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'berth-unpack-'));
  out = join(sandbox, 'ctx');
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

type Entry = Parameters<Pack['entry']>[0] & { body?: string };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { body, ...header } of entries) pack.entry({ ...header, mode: header.mode ?? 0o644 }, body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const unsafe = { kind: 'invalid', code: 'ENGINE_BUILD_CONTEXT', hint: expect.any(String) };

describe('unpackContext', () => {
  it('unpacks plain and gzip tars, keeping modes, making absolute names relative, owning everything 0:0', async () => {
    const data = await tarOf([
      { name: '/abs/file', body: 'x', mode: 0o640, uid: 1000, gid: 1000 },
      { name: 'run.sh', body: '#!', mode: 0o755 },
      { name: 'link', type: 'symlink', linkname: 'run.sh' },
      { name: 'hard', type: 'link', linkname: 'run.sh' },
    ]);
    for (const [i, bytes] of [data, gzipSync(data)].entries()) {
      const dir = join(out, String(i));
      await unpackContext(Readable.from([bytes]), dir);
      expect(readFileSync(join(dir, 'abs/file'), 'utf8')).toBe('x');
      expect(lstatSync(join(dir, 'abs/file'))).toMatchObject({ uid: 0, gid: 0 });
      expect(lstatSync(join(dir, 'abs/file')).mode & 0o7777).toBe(0o640);
      expect(lstatSync(join(dir, 'run.sh')).mode & 0o7777).toBe(0o755);
      expect(readlinkSync(join(dir, 'link'))).toBe('run.sh');
      expect(lstatSync(join(dir, 'hard')).ino).toBe(lstatSync(join(dir, 'run.sh')).ino);
    }
  });

  it('refuses an entry that climbs out with ..', async () => {
    const data = await tarOf([{ name: 'a/../../escape', body: 'x' }]);
    await expect(unpackContext(Readable.from([data]), out)).rejects.toMatchObject(unsafe);
    expect(existsSync(join(sandbox, 'escape'))).toBe(false);
  });

  it('refuses to write through a symlink planted by an earlier entry', async () => {
    const outside = join(sandbox, 'outside');
    mkdirSync(outside);
    const data = await tarOf([
      { name: 'evil', type: 'symlink', linkname: outside },
      { name: 'evil/pwned', body: 'x' },
    ]);
    await expect(unpackContext(Readable.from([data]), out)).rejects.toMatchObject({
      ...unsafe,
      message: expect.stringContaining('through the symbolic link "evil"'),
    });
    expect(existsSync(join(outside, 'pwned'))).toBe(false);
  });

  it('refuses a hard link to a file outside the context', async () => {
    writeFileSync(join(sandbox, 'secret'), 's');
    const data = await tarOf([{ name: 'h', type: 'link', linkname: '../secret' }]);
    await expect(unpackContext(Readable.from([data]), out)).rejects.toMatchObject(unsafe);
  });

  it('refuses bzip2 with a clear message, and a non-empty folder', async () => {
    const file = join(sandbox, 'x');
    writeFileSync(file, 'hello');
    const bz = execFileSync('bzip2', ['-c', file]);
    await expect(unpackContext(Readable.from([bz]), out)).rejects.toMatchObject({
      ...unsafe,
      message: expect.stringContaining('bzip2-compressed'),
    });
    await expect(unpackContext(Readable.from([await tarOf([])]), sandbox)).rejects.toMatchObject({
      code: 'ENGINE_BUILD_CONTEXT',
    });
  });

  it('refuses garbage that is not a tar', async () => {
    await expect(unpackContext(Readable.from([Buffer.alloc(700, 7)]), out)).rejects.toMatchObject(unsafe);
  });

  it('returns the content hash, size and mode of every file left, the last entry of a path winning', async () => {
    const files = Array.from({ length: 40 }, (_, i) => ({ name: `lib/f${i}`, body: 'x'.repeat(i * 97) }));
    const data = await tarOf([
      ...files,
      { name: 'big', body: 'b'.repeat(1024 * 1024 + 1), mode: 0o755 },
      { name: 'lib/f3', body: 'again', mode: 0o600 }, // the same path twice: the second replaces the first
      { name: 'lib/f4/', type: 'directory' }, // a folder where a file was
      { name: 'lib/f4/inner', body: 'in' },
      { name: 'gone', body: 'g' },
      { name: 'gone', type: 'symlink', linkname: 'big' }, // a symlink where a file was
      { name: 'hard', type: 'link', linkname: 'lib/f5' },
    ]);
    const digests = await unpackContext(Readable.from([data]), out);
    const onDisk = new Map<string, { sha256: string; size: number; mode: number }>();
    const walk = (rel: string): void => {
      const st = lstatSync(join(out, rel));
      if (st.isDirectory()) for (const name of readdirSync(join(out, rel))) walk(rel === '' ? name : `${rel}/${name}`);
      else if (st.isFile()) {
        const sha256 = createHash('sha256')
          .update(readFileSync(join(out, rel)))
          .digest('hex');
        onDisk.set(rel, { sha256, size: st.size, mode: st.mode & 0o7777 });
      }
    };
    walk('');
    expect(digests.root).toBe(realpathSync(out));
    expect(new Map([...digests.files].sort())).toEqual(new Map([...onDisk].sort()));
    expect(digests.files.get('lib/f3')).toMatchObject({ size: 5, mode: 0o600 });
    expect(digests.files.has('lib/f4')).toBe(false);
    expect(digests.files.has('gone')).toBe(false);
    expect(readlinkSync(join(out, 'gone'))).toBe('big');
  });

  it('refuses a file below a file written just before it, as written one at a time', async () => {
    const data = await tarOf([
      { name: 'a', body: 'file' },
      { name: 'a/b', body: 'under a file' },
    ]);
    await expect(unpackContext(Readable.from([data]), out)).rejects.toMatchObject({
      ...unsafe,
      message: expect.stringContaining('has a parent "a" that is not a folder'),
    });
  });

  it('refuses to write through a symlink that replaced a folder it had already checked', async () => {
    const outside = join(sandbox, 'outside');
    mkdirSync(outside);
    const data = await tarOf([
      { name: 'd/first', body: '1' },
      { name: 'd', type: 'symlink', linkname: outside },
      { name: 'd/second', body: '2' },
    ]);
    await expect(unpackContext(Readable.from([data]), out)).rejects.toMatchObject({
      ...unsafe,
      message: expect.stringContaining('through the symbolic link "d"'),
    });
    expect(existsSync(join(outside, 'second'))).toBe(false);
  });
});

describe('pruneBuildFiles', () => {
  it('removes the Dockerfile and .dockerignore only when the .dockerignore excludes them', async () => {
    mkdirSync(out);
    writeFileSync(join(out, '.dockerignore'), '.dockerignore\nDockerfile*\n');
    writeFileSync(join(out, 'Dockerfile'), 'FROM x');
    writeFileSync(join(out, 'app'), 'a');
    expect(await pruneBuildFiles(out, 'Dockerfile')).toEqual(['.dockerignore', 'Dockerfile']);
    expect(existsSync(join(out, 'app'))).toBe(true);
    expect(existsSync(join(out, 'Dockerfile'))).toBe(false);
    writeFileSync(join(out, 'Dockerfile'), 'FROM x');
    expect(await pruneBuildFiles(out, 'Dockerfile')).toEqual([]);
  });
});
