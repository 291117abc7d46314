// Extraction of layer changesets into overlayfs form: every entry type, and refusal of anything that would
// write outside the target, with nothing partial left behind.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractLayer } from '../../../src/engine/layers/extract.js';
import {
  BUSYBOX_APPLETS,
  FIXED_MTIME,
  type LayerEntry,
  busyboxLayerEntries,
  makeLayerTar,
  sha256,
} from '../fixtures/busybox-image.js';

let sandbox: string; // holds the target's parent folder and an "outside" folder that must stay untouched
let parent: string;
let target: string;
let outside: string;
beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'berth-extract-'));
  parent = join(sandbox, 'layers');
  target = join(parent, 'layer');
  outside = join(sandbox, 'outside');
  mkdirSync(parent);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'untouched');
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

const extract = async (entries: LayerEntry[]) => extractLayer(await makeLayerTar(entries), target);
const opaqueOf = (dir: string): string =>
  execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', dir], { encoding: 'utf8' });

describe('layer extraction', () => {
  it('unpacks the busybox layer with its files, symlinks, modes and mtimes, and returns the diffID', async () => {
    const tar = await makeLayerTar(busyboxLayerEntries());
    const result = await extractLayer(Readable.from([tar]), target);
    expect(result.diffId).toBe(sha256(tar));
    const contentBytes = busyboxLayerEntries().reduce((n, e) => n + (e.content?.length ?? 0), 0);
    expect(result.size).toBe(contentBytes);
    expect(readFileSync(join(target, 'bin/busybox')).equals(readFileSync('/usr/bin/busybox'))).toBe(true);
    expect(statSync(join(target, 'bin/busybox')).mode & 0o7777).toBe(0o755);
    for (const applet of BUSYBOX_APPLETS) expect(readlinkSync(join(target, 'bin', applet))).toBe('busybox');
    expect(statSync(join(target, 'tmp')).mode & 0o7777).toBe(0o1777);
    expect(statSync(join(target, 'etc')).mtime).toEqual(FIXED_MTIME);
    expect(statSync(join(target, 'etc/passwd')).mtime).toEqual(FIXED_MTIME);
    expect(statSync(target).mode & 0o777).toBe(0o755);
    expect(readdirSync(parent)).toEqual(['layer']);
  });

  it('a gzip layer gives the diffID of the uncompressed tar', async () => {
    const tar = await makeLayerTar([{ name: 'hello', content: 'hi' }]);
    expect((await extractLayer(gzipSync(tar), target)).diffId).toBe(sha256(tar));
    expect(readFileSync(join(target, 'hello'), 'utf8')).toBe('hi');
  });

  it('whiteouts become 0/0 character devices and .wh..wh..opq an opaque folder', async () => {
    await extract([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/.wh.motd', content: '' },
      { name: 'var/lib/', type: 'directory' },
      { name: 'var/lib/.wh..wh..opq', content: '' },
      { name: 'var/lib/kept', content: 'new' },
      { name: '.wh.root-file', content: '' },
    ]);
    for (const path of ['etc/motd', 'root-file']) {
      const st = lstatSync(join(target, path));
      expect(st.isCharacterDevice()).toBe(true);
      expect(st.rdev).toBe(0);
      expect([st.uid, st.gid]).toEqual([0, 0]);
    }
    expect(existsSync(join(target, 'etc/.wh.motd'))).toBe(false);
    expect(opaqueOf(join(target, 'var/lib'))).toBe('y');
    expect(readdirSync(join(target, 'var/lib'))).toEqual(['kept']);
  });

  it('keeps hard links, ownership, setuid bits, devices and fifos', async () => {
    await extract([
      { name: 'bin/', type: 'directory' },
      { name: 'bin/su', content: 'su', mode: 0o4755, uid: 0, gid: 0 },
      { name: 'bin/sudo', type: 'link', linkname: 'bin/su' },
      { name: 'home/app/', type: 'directory', uid: 1000, gid: 1001, mode: 0o700 },
      { name: 'home/app/data', content: 'x', uid: 1000, gid: 1001, mode: 0o2640 },
      { name: 'home/app/link', type: 'symlink', linkname: '/etc/passwd', uid: 1000, gid: 1001 },
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'run/pipe', type: 'fifo', mode: 0o600 },
    ]);
    const su = statSync(join(target, 'bin/su'));
    expect(su.mode & 0o7777).toBe(0o4755);
    expect(statSync(join(target, 'bin/sudo')).ino).toBe(su.ino);
    const home = statSync(join(target, 'home/app'));
    expect([home.uid, home.gid, home.mode & 0o7777]).toEqual([1000, 1001, 0o700]);
    const data = statSync(join(target, 'home/app/data'));
    expect([data.uid, data.gid, data.mode & 0o7777]).toEqual([1000, 1001, 0o2640]);
    const link = lstatSync(join(target, 'home/app/link'));
    expect([link.isSymbolicLink(), link.uid, readlinkSync(join(target, 'home/app/link'))]).toEqual([
      true,
      1000,
      '/etc/passwd',
    ]);
    const nul = lstatSync(join(target, 'dev/null'));
    expect([nul.isCharacterDevice(), nul.rdev, nul.mode & 0o777]).toEqual([true, (1 << 8) | 3, 0o666]);
    expect(lstatSync(join(target, 'run/pipe')).isFIFO()).toBe(true);
  });

  it('a later entry replaces a symlink itself, never what it points at', async () => {
    await extract([
      { name: 'a', type: 'symlink', linkname: join(outside, 'secret') },
      { name: 'a', content: 'replaced' },
    ]);
    expect(readFileSync(join(target, 'a'), 'utf8')).toBe('replaced');
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('untouched');
  });

  it('a layer whose diffID differs from the expected one is refused and not kept', async () => {
    const tar = await makeLayerTar([{ name: 'f', content: 'x' }]);
    await expect(extractLayer(tar, target, { expectedDiffId: sha256('other') })).rejects.toMatchObject({
      code: 'ENGINE_DIFFID_MISMATCH',
    });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('an interrupted stream leaves no partial layer', async () => {
    const tar = await makeLayerTar(busyboxLayerEntries());
    const cut = new Readable({
      read() {
        this.push(tar.subarray(0, 600_000));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(extractLayer(cut, target)).rejects.toThrow('client went away');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a truncated tar is refused with ENGINE_LAYER_INVALID', async () => {
    const tar = await makeLayerTar([{ name: 'f', content: 'x'.repeat(2000) }]);
    await expect(extractLayer(tar.subarray(0, 1024), target)).rejects.toMatchObject({ code: 'ENGINE_LAYER_INVALID' });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses to extract into a target that exists', async () => {
    mkdirSync(target);
    await expect(extract([{ name: 'f', content: 'x' }])).rejects.toMatchObject({ kind: 'conflict' });
  });
});

describe('layer extraction refuses entries that would write outside the target', () => {
  const absolute = join(tmpdir(), `berth-abs-${process.pid}`);
  const cases: Array<[string, () => [LayerEntry[], string]]> = [
    ['a ../ path escaping the root', () => [[{ name: 'ok', content: 'x' }, { name: '../escape', content: 'x' }], '../escape']],
    ['a deeper escaping path', () => [[{ name: 'a/b/../../../outside/secret', content: 'pwned' }], 'a/b/../../../outside/secret']],
    ['an absolute path', () => [[{ name: absolute, content: 'x' }], absolute]],
    ['an entry through a symlink pointing outside', () => [[{ name: 'evil', type: 'symlink', linkname: outside }, { name: 'evil/secret', content: 'pwned' }], 'evil/secret']],
    ['an entry through a symlink to /', () => [[{ name: 'root', type: 'symlink', linkname: '/' }, { name: `root${outside}/new`, content: 'pwned' }], `root${outside}/new`]],
    ['an entry through a relative symlink climbing out', () => [[{ name: 'up', type: 'symlink', linkname: '../../outside' }, { name: 'up/new', content: 'pwned' }], 'up/new']],
    ['a hard link to a file outside', () => [[{ name: 'hl', type: 'link', linkname: '../outside/secret' }], 'hl']],
    ['a hard link to an absolute path', () => [[{ name: 'hl', type: 'link', linkname: join(outside, 'secret') }], 'hl']],
    ['a hard link through a symlink', () => [[{ name: 'evil', type: 'symlink', linkname: outside }, { name: 'hl', type: 'link', linkname: 'evil/secret' }], 'hl']],
    ['a whiteout through a symlink', () => [[{ name: 'evil', type: 'symlink', linkname: outside }, { name: 'evil/.wh.secret', content: '' }], 'evil/.wh.secret']],
    ['an opaque marker through a symlink', () => [[{ name: 'evil', type: 'symlink', linkname: outside }, { name: 'evil/.wh..wh..opq', content: '' }], 'evil/.wh..wh..opq']],
  ]; // prettier-ignore

  it.each(cases)(
    'refuses %s with ENGINE_LAYER_UNSAFE, writing nothing outside and leaving no partial layer',
    async (_what, entriesAndName) => {
      const [entries, name] = entriesAndName();
      const error = await extract(entries).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ kind: 'invalid', code: 'ENGINE_LAYER_UNSAFE' });
      expect((error as Error).message).toContain(`"${name}"`);
      expect(readdirSync(outside)).toEqual(['secret']);
      expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('untouched');
      expect(statSync(join(outside, 'secret')).nlink).toBe(1);
      expect(() => execFileSync('getfattr', ['-n', 'trusted.overlay.opaque', outside], { stdio: 'pipe' })).toThrow();
      expect(existsSync(absolute)).toBe(false);
      expect(readdirSync(sandbox).sort()).toEqual(['layers', 'outside']);
      expect(readdirSync(parent)).toEqual([]);
    },
  );
});
