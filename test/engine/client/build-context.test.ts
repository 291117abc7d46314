// The build context tar as the docker CLI makes it: .dockerignore rules, the Dockerfile always sent, a
// Dockerfile from outside added under a content-derived name, and a round trip through berthd's unpacking.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { linkSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unpackContext } from '../../../src/engine/build/context/unpack-context.js';
import { packBuildContext } from '../../../src/client/build-context.js';
import { compileIgnore, parseDockerignore } from '../../../src/shared/dockerignore.js';

let sandbox: string;
let ctx: string;
beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'berth-buildctx-'));
  ctx = join(sandbox, 'ctx');
  mkdirSync(ctx);
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

function put(files: Record<string, string>, root = ctx): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

interface Listed {
  name: string;
  type: string;
  uid: number;
  gid: number;
  mode: number;
  linkname: string | null;
  body: string;
}

async function list(stream: Readable): Promise<Listed[]> {
  const out: Listed[] = [];
  const extract = tar.extract();
  stream.pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const h = entry.header;
    out.push({
      name: h.name,
      type: h.type ?? 'file',
      uid: h.uid ?? -1,
      gid: h.gid ?? -1,
      mode: h.mode ?? 0,
      linkname: h.linkname ?? null,
      body: Buffer.concat(chunks).toString(),
    });
  }
  return out;
}

async function names(stream: Readable): Promise<string[]> {
  return (await list(stream)).map((e) => e.name);
}

describe('dockerignore matching', () => {
  it('parses as Docker: comments, blank lines, leading slash and ./ cleaned, exceptions kept', () => {
    expect(parseDockerignore('# c\n\n /a/b/ \n!./keep\n  #not-a-comment\n')).toEqual([
      'a/b',
      '!keep',
      '#not-a-comment',
    ]);
  });

  it('applies **, exceptions, and is case sensitive', () => {
    const m = compileIgnore(parseDockerignore('**/*.log\nnode_modules\n!node_modules/keep.js\nBuild'));
    expect(m.ignores('a/b/c.log')).toBe(true);
    expect(m.ignores('c.log')).toBe(true);
    expect(m.ignores('node_modules/x.js')).toBe(true);
    expect(m.ignores('node_modules/keep.js')).toBe(false);
    expect(m.ignores('build')).toBe(false);
    expect(m.mustWalk('node_modules')).toBe(true);
    expect(m.mustWalk('other')).toBe(false);
  });
});

describe('packBuildContext', () => {
  it('archives sorted entries owned by 0:0, folders with a trailing slash, symlinks not followed', async () => {
    put({ Dockerfile: 'FROM scratch\n', 'b/z.txt': 'z', 'b/a.txt': 'a', 'a.txt': 'top' });
    symlinkSync('/etc/passwd', join(ctx, 'link'));
    chmodSync(join(ctx, 'a.txt'), 0o751);
    const { stream, dockerfileName } = packBuildContext(ctx);
    expect(dockerfileName).toBe('Dockerfile');
    const entries = await list(stream);
    expect(entries.map((e) => e.name)).toEqual(['Dockerfile', 'a.txt', 'b/', 'b/a.txt', 'b/z.txt', 'link']);
    expect(entries.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
    expect(entries.find((e) => e.name === 'a.txt')?.mode).toBe(0o751);
    expect(entries.find((e) => e.name === 'link')).toMatchObject({ type: 'symlink', linkname: '/etc/passwd' });
  });

  it('honours .dockerignore, walks an excluded folder for its exceptions, and always sends Dockerfile and .dockerignore', async () => {
    put({
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'Dockerfile\n.dockerignore\n*.md\n**/*.log\nvendor\n!vendor/keep/**\n/secret\n',
      'README.md': 'r',
      'src/app.js': 'a',
      'src/deep/x.log': 'l',
      'vendor/drop.js': 'd',
      'vendor/keep/k.js': 'k',
      'secret/key': 's',
      'sub/secret': 'not anchored at the root',
    });
    const got = await names(packBuildContext(ctx).stream);
    expect(got).toEqual([
      '.dockerignore',
      'Dockerfile',
      'src/',
      'src/app.js',
      'src/deep/',
      'sub/',
      'sub/secret',
      'vendor/keep/k.js', // the folder itself stays excluded: `vendor/keep/**` matches only below it, as in Docker
    ]);
  });

  it('adds a Dockerfile from outside the context under a content-derived name, listed in .dockerignore', async () => {
    put({ 'app.js': 'a', '.dockerignore': 'tmp' });
    put({ 'elsewhere/Dockerfile': 'FROM alpine\n' }, sandbox);
    const first = packBuildContext(ctx, { dockerfile: join(sandbox, 'elsewhere/Dockerfile') });
    expect(first.dockerfileName).toMatch(/^\.dockerfile\.[0-9a-f]{20}$/);
    const entries = await list(first.stream);
    expect(entries.find((e) => e.name === first.dockerfileName)?.body).toBe('FROM alpine\n');
    expect(entries.find((e) => e.name === '.dockerignore')?.body).toBe(`tmp\n${first.dockerfileName}\n`);
    const again = packBuildContext(ctx, { dockerfile: '../elsewhere/Dockerfile' });
    expect(again.dockerfileName).toBe(first.dockerfileName);
    again.stream.destroy();
  });

  it('adds an inline Dockerfile, and a .dockerignore naming it when there was none', async () => {
    put({ 'app.js': 'a' });
    const { stream, dockerfileName } = packBuildContext(ctx, { dockerfileInline: 'FROM busybox\n' });
    const entries = await list(stream);
    expect(entries.map((e) => e.name)).toEqual([dockerfileName, '.dockerignore', 'app.js'].sort());
    expect(entries.find((e) => e.name === '.dockerignore')?.body).toBe(`.dockerignore\n${dockerfileName}\n`);
  });

  it('fails with CLI_BUILD_CONTEXT for a missing folder or Dockerfile', () => {
    expect(() => packBuildContext(join(sandbox, 'nope'))).toThrow(
      expect.objectContaining({ code: 'CLI_BUILD_CONTEXT', hint: expect.any(String) }),
    );
    expect(() => packBuildContext(ctx, { dockerfile: 'docker/Dockerfile.dev' })).toThrow(
      expect.objectContaining({
        code: 'CLI_BUILD_CONTEXT',
        message: expect.stringContaining(`Dockerfile not found at "${join(ctx, 'docker/Dockerfile.dev')}"`),
      }),
    );
  });

  it('round trips: unpacking the tar gives the same tree, modes, mtimes and links', async () => {
    put({ Dockerfile: 'FROM scratch\n', 'bin/run.sh': '#!/bin/sh\n', 'data/a': 'aaa', 'data/nested/b': 'b' });
    chmodSync(join(ctx, 'bin/run.sh'), 0o755);
    chmodSync(join(ctx, 'data/nested'), 0o700);
    symlinkSync('../data/a', join(ctx, 'bin/a-link'));
    utimesSync(join(ctx, 'data/a'), new Date(1_000_000_000_000), new Date(1_000_000_000_000));
    const out = join(sandbox, 'out');
    await unpackContext(packBuildContext(ctx).stream, out);
    expect(snapshot(out)).toEqual(snapshot(ctx));
    expect(statSync(join(out, 'data/a')).mtimeMs).toBe(1_000_000_000_000);
  });

  it('keeps entries in order and bodies whole while reading ahead: many files, a streamed large one, hard links', async () => {
    const files: Record<string, string> = { Dockerfile: 'FROM scratch\n' };
    for (let i = 0; i < 50; i++) files[`lib/m${String(i).padStart(2, '0')}`] = `module ${i}\n`.repeat(i + 1);
    files['lib/m25-large'] = 'L'.repeat(1024 * 1024 + 7);
    put(files);
    linkSync(join(ctx, 'lib/m03'), join(ctx, 'lib/m40-link')); // replaces nothing: a new name sorted after m03
    const listed = await list(packBuildContext(ctx).stream);
    expect(listed.map((e) => e.name)).toEqual([
      'Dockerfile',
      'lib/',
      ...Object.keys(files)
        .filter((n) => n.startsWith('lib/'))
        .concat('lib/m40-link')
        .sort(),
    ]);
    for (const e of listed.filter((x) => x.type === 'file')) expect(e.body).toBe(files[e.name]);
    expect(listed.find((e) => e.name === 'lib/m40-link')).toMatchObject({ type: 'link', linkname: 'lib/m03' });
  });
});

/** Every path with its type, mode and content or link target. */
function snapshot(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = join(root, rel, name);
    const st = lstatSync(path);
    const mode = (st.mode & 0o7777).toString(8);
    const childRel = rel === '' ? name : `${rel}/${name}`;
    if (st.isSymbolicLink()) out.push(`${childRel} -> ${readlinkSync(path)}`);
    else if (st.isDirectory()) out.push(`${childRel}/ ${mode}`, ...snapshot(root, childRel));
    else out.push(`${childRel} ${mode} ${readFileSync(path, 'utf8')}`);
  }
  return out;
}
