// COPY and ADD with Docker's rules, planned against a real source folder and applied to a real rootfs.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync } from 'node:fs';
import { rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { applyCopy } from '../../../../src/engine/build/context/copy-apply.js';
import { planCopy } from '../../../../src/engine/build/context/copy-plan.js';
import type { CopyRequest } from '../../../../src/engine/build/context/copy-types.js';
import { unpackContext } from '../../../../src/engine/build/context/unpack-context.js';

let sandbox: string;
let ctx: string;
let rootfs: string;
beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'berth-copy-'));
  ctx = join(sandbox, 'ctx');
  rootfs = join(sandbox, 'rootfs');
  mkdirSync(ctx);
  mkdirSync(rootfs);
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

function put(files: Record<string, string>, root = ctx): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

async function copy(sources: string[], dest: string, extra: Partial<CopyRequest> = {}): Promise<void> {
  const req: CopyRequest = { sourceRoot: ctx, sources, dest, isAdd: false, fromContext: true, ...extra };
  await applyCopy(await planCopy(req), req, rootfs);
}

const read = (imagePath: string) => readFileSync(join(rootfs, imagePath), 'utf8');
const copyFailure = (message: string) => ({
  code: 'ENGINE_BUILD_COPY',
  message: expect.stringContaining(message),
  hint: expect.any(String),
});

describe('COPY sources and destinations', () => {
  it('copies the contents of a folder, not the folder itself', async () => {
    put({ 'src/a.txt': 'a', 'src/lib/b.txt': 'b' });
    await copy(['src'], '/app');
    expect(read('app/a.txt')).toBe('a');
    expect(read('app/lib/b.txt')).toBe('b');
    expect(existsSync(join(rootfs, 'app/src'))).toBe(false);
    expect(lstatSync(join(rootfs, 'app')).mode & 0o7777).toBe(0o755);
  });

  it('puts a file into a folder for a trailing slash or an existing folder, and renames it otherwise', async () => {
    put({ 'a.txt': 'a' });
    await copy(['a.txt'], '/into/');
    expect(read('into/a.txt')).toBe('a');
    mkdirSync(join(rootfs, 'existing'));
    await copy(['./a.txt'], '/existing');
    expect(read('existing/a.txt')).toBe('a');
    await copy(['/a.txt'], '/etc/renamed.conf');
    expect(read('etc/renamed.conf')).toBe('a');
  });

  it('expands wildcards with Go filepath.Match rules, per segment', async () => {
    put({
      'a1.txt': '1',
      'a2.txt': '2',
      'b.txt': 'b',
      'x/[y].txt': 'lit',
      'pkg/one/p.json': 'p1',
      'pkg/two/p.json': 'p2',
    });
    await copy(['a?.txt', 'x/[[]y].txt', 'pkg/*/p.json'], '/w/'); // the docs' way to name a literal [
    expect(read('w/a1.txt')).toBe('1');
    expect(read('w/a2.txt')).toBe('2');
    expect(read('w/[y].txt')).toBe('lit');
    expect(read('w/p.json')).toBe('p2'); // both match, the later one wins, as in Docker
    expect(existsSync(join(rootfs, 'w/b.txt'))).toBe(false);
    await copy(['[ab]*.txt'], '/v/');
    expect(read('v/b.txt')).toBe('b');
  });

  it('fails for several sources and a destination without a trailing slash', async () => {
    put({ 'a1.txt': '1', 'a2.txt': '2' });
    await expect(copy(['a*.txt'], '/dir')).rejects.toMatchObject(
      copyFailure(
        'When using COPY with more than one source file, the destination must be a directory and end with a /',
      ),
    );
  });

  it('fails with Docker messages for a missing file and an unmatched wildcard', async () => {
    await expect(copy(['nope.txt'], '/x')).rejects.toMatchObject({
      ...copyFailure(
        'file not found in build context or excluded by .dockerignore: stat nope.txt: file does not exist',
      ),
      kind: 'not-found',
    });
    await expect(copy(['*.nope'], '/x/')).rejects.toMatchObject(
      copyFailure('COPY failed: no source files were specified'),
    );
  });

  it('refuses sources outside the context: ../x, and a symlink that climbs out', async () => {
    put({ secret: 's' }, sandbox);
    await expect(copy(['../secret'], '/x')).rejects.toMatchObject(
      copyFailure('forbidden path outside the build context: ../secret'),
    );
    symlinkSync('../../secret', join(ctx, 'sneaky'));
    await expect(copy(['sneaky'], '/x')).rejects.toMatchObject(copyFailure('forbidden path outside the build context'));
  });

  it('follows a symlink named as a source inside the context (an absolute target read from the context root)', async () => {
    put({ 'real/conf': 'c' });
    symlinkSync('/real/conf', join(ctx, 'conf-link'));
    await copy(['conf-link'], '/etc/');
    expect(read('etc/conf-link')).toBe('c');
    expect(lstatSync(join(rootfs, 'etc/conf-link')).isSymbolicLink()).toBe(false);
  });

  it('copies symlinks inside a copied folder as symlinks', async () => {
    put({ 'd/target': 't' });
    symlinkSync('target', join(ctx, 'd/link'));
    await copy(['d'], '/app/');
    expect(readlinkSync(join(rootfs, 'app/link'))).toBe('target');
  });

  it('keeps writes inside the rootfs when the image has a symlink to /etc on the way', async () => {
    const hostEtcMarker = join('/etc', `berth-copy-test-${process.pid}`);
    mkdirSync(join(rootfs, 'etc'));
    symlinkSync('/etc', join(rootfs, 'cfg')); // in the image, /cfg -> /etc
    put({ 'f.conf': 'x' });
    await copy(['f.conf'], `/cfg/${hostEtcMarker.slice('/etc/'.length)}`);
    expect(existsSync(hostEtcMarker)).toBe(false);
    expect(read(hostEtcMarker)).toBe('x');
    symlinkSync('/', join(rootfs, 'up'));
    put({ 'tree/t': 't' });
    await copy(['tree'], '/up/../up/deep/');
    expect(read('deep/t')).toBe('t');
  });
});

describe('COPY ownership and modes', () => {
  it('owns context files by 0:0 and applies --chown and --chmod to every copied entry and created folder', async () => {
    put({ 'd/x': 'x', 'd/sub/y': 'y' });
    chownSync(join(ctx, 'd/x'), 1234, 1234);
    await copy(['d'], '/plain/');
    expect(lstatSync(join(rootfs, 'plain/x'))).toMatchObject({ uid: 0, gid: 0 });
    mkdirSync(join(rootfs, 'pre'));
    await copy(['d'], '/pre/made/', { chown: { uid: 1000, gid: 2000 }, chmod: 0o640 });
    for (const p of ['pre/made', 'pre/made/x', 'pre/made/sub', 'pre/made/sub/y']) {
      expect(lstatSync(join(rootfs, p))).toMatchObject({ uid: 1000, gid: 2000 });
    }
    expect(lstatSync(join(rootfs, 'pre'))).toMatchObject({ uid: 0, gid: 0 }); // existed: left alone
    expect(lstatSync(join(rootfs, 'pre/made/x')).mode & 0o7777).toBe(0o640);
    expect(lstatSync(join(rootfs, 'pre/made/sub')).mode & 0o7777).toBe(0o640);
  });

  it('keeps the owners of files copied from another stage unless --chown is given', async () => {
    put({ 'bin/tool': 't' });
    chownSync(join(ctx, 'bin/tool'), 42, 43);
    await copy(['/bin/tool'], '/usr/bin/', { fromContext: false });
    expect(lstatSync(join(rootfs, 'usr/bin/tool'))).toMatchObject({ uid: 42, gid: 43 });
  });
});

describe('ADD', () => {
  it('extracts local tar archives (gzip and xz, told by their bytes) and copies other files', async () => {
    put({ 'tree/a.txt': 'a', 'tree/sub/b.txt': 'b', 'notes.tar.gz': 'not really an archive' });
    execFileSync('tar', ['-czf', join(ctx, 'app.tgz'), '-C', join(ctx, 'tree'), 'a.txt', 'sub']);
    execFileSync('tar', ['-cJf', join(ctx, 'app.bin'), '-C', join(ctx, 'tree'), 'a.txt']);
    const add = { isAdd: true };
    await copy(['app.tgz'], '/opt/app', add);
    expect(read('opt/app/a.txt')).toBe('a');
    expect(read('opt/app/sub/b.txt')).toBe('b');
    await copy(['app.bin'], '/xz/', add);
    expect(read('xz/a.txt')).toBe('a');
    await copy(['notes.tar.gz'], '/n/', add);
    expect(read('n/notes.tar.gz')).toBe('not really an archive');
    await copy(['app.tgz'], '/copied/');
    expect(existsSync(join(rootfs, 'copied/app.tgz'))).toBe(true);
  });

  it('refuses URLs with a clear hint', async () => {
    await expect(copy(['https://example.com/x.tgz'], '/x/', { isAdd: true })).rejects.toMatchObject({
      ...copyFailure('ADD from a URL is not supported'),
      kind: 'invalid',
    });
  });
});

describe('COPY digest', () => {
  it('ignores mtimes and changes with one byte, a mode, or the destination', async () => {
    put({ 'd/a': 'hello', 'd/b': 'world' });
    const req: CopyRequest = { sourceRoot: ctx, sources: ['d'], dest: '/app/', isAdd: false, fromContext: true };
    const first = (await planCopy(req)).digest;
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    utimesSync(join(ctx, 'd/a'), new Date(5_000), new Date(5_000));
    expect((await planCopy(req)).digest).toBe(first);
    writeFileSync(join(ctx, 'd/a'), 'hellO');
    const changed = (await planCopy(req)).digest;
    expect(changed).not.toBe(first);
    expect((await planCopy({ ...req, dest: '/other/' })).digest).not.toBe(changed);
    expect((await planCopy({ ...req, chown: { uid: 1, gid: 1 } })).digest).not.toBe(changed);
  });

  it('takes the content hashes of an unpacked context from unpacking, and reads a file that no longer matches', async () => {
    put({ 'd/a': 'hello', 'd/b': 'world', 'c.txt': 'c' });
    const tar = execFileSync('tar', ['-cf', '-', '-C', ctx, '.']);
    const unpacked = join(sandbox, 'unpacked');
    const contextDigests = await unpackContext(Readable.from([tar]), unpacked);
    const base = { sourceRoot: unpacked, dest: '/app/', isAdd: false, fromContext: true };
    for (const sources of [['d'], ['c.txt'], ['d/a', 'c.txt']]) {
      const read = (await planCopy({ ...base, sources })).digest;
      expect((await planCopy({ ...base, sources, contextDigests })).digest).toBe(read);
    }
    writeFileSync(join(unpacked, 'd/a'), 'changed'); // nothing writes there in a build; the size check still sees it
    const reread = (await planCopy({ ...base, sources: ['d'] })).digest;
    expect((await planCopy({ ...base, sources: ['d'], contextDigests })).digest).toBe(reread);
  });
});
