// `berth lock`, `--check`, `--frozen`/BERTH_FROZEN and the use of the lock, end to end on berthd: a real registry
// on 127.0.0.1 (Debian's docker-registry) holds the images; a tag moved there, a changed context file, Dockerfile
// or build arg, and a local-only image re-tagged are each named under --frozen and by --check, which change nothing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import { hasRunc } from './engines.js';
import type { Registry, TestEngine } from './registry-fixture.js';
import { hasDockerd, hasRegistry, startEngine, startRegistry } from './registry-fixture.js';
import { projectDir, runCli } from './run-cli.js';

const DIGEST = /digest: (sha256:[0-9a-f]{64})/;

describe.runIf(hasRunc && hasRegistry)('berth lock on berthd with a registry on 127.0.0.1', () => {
  let dir: string;
  let project: string;
  let registry: Registry;
  let engine: TestEngine;
  const name = `lockcli${process.pid}`;
  let app: string; // REG/name/app:1
  let base: string; // REG/name/base:1, the FROM of web
  const tool = `127.0.0.1:9/${name}/tool:1`; // no registry answers for it: pinned by image ID
  const old: Record<string, string> = {};

  const berth = (args: string[], extra: Record<string, string> = {}) =>
    runCli(['-p', name, ...args], { cwd: project, env: { ...engine.env, ...extra } });
  const lockBytes = (): string => readFileSync(join(project, 'berth.lock'), 'utf8');
  const push = async (ref: string): Promise<string> => {
    const r = await engine.docker(['push', ref]);
    const m = DIGEST.exec(r.stdout);
    if (!m) throw new Error(`no digest in the push output: ${r.stdout}`);
    return m[1] as string;
  };
  const writeStack = (mode: string): void =>
    writeFileSync(
      join(project, 'compose.yaml'),
      [
        'services:',
        `  app: {image: ${app}, command: [sleep, '60']}`,
        `  tool: {image: ${tool}, command: [sleep, '60']}`,
        '  web:',
        `    image: ${name}-web`,
        `    build: {context: ./web, args: {MODE: ${mode}}}`,
        '',
      ].join('\n'),
    );
  const webFile = (file: string, text: string): void => writeFileSync(join(project, 'web', file), text);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-lock-cli-'));
    project = join(dir, 'project');
    mkdirSync(join(project, 'web'), { recursive: true });
    registry = await startRegistry(join(dir, 'reg'));
    engine = await startEngine('berthd', join(dir, 'engine'));
    app = `${registry.host}/${name}/app:1`;
    base = `${registry.host}/${name}/base:1`;
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [app, base, tool] }));
    await engine.docker(['load', '-i', join(dir, 'busybox.tar')]);
    old.app = await push(app);
    old.base = await push(base);
    writeStack('one');
    webFile('Dockerfile', `ARG BASE=${base}\nFROM $BASE\nARG MODE\nCOPY . /app\nRUN echo $MODE > /mode\n`);
    webFile('.dockerignore', 'ignored.txt\n');
    webFile('a.txt', 'a\n');
    webFile('b.txt', 'b\n');
    webFile('ignored.txt', 'not sent\n');
  }, 180_000);

  afterAll(async () => {
    await berth(['down', '-t', '0']).catch(() => undefined);
    const left = await engine?.client.call<{ Id: string }[]>('GET', '/containers/json', { query: { all: 1 } });
    for (const c of left ?? []) await engine.client.call('DELETE', `/containers/${c.Id}`, { query: { force: 1 } });
    await engine?.close();
    await registry?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('berth lock pins registry digests, the local image by ID, FROM, context files and args; --check passes', async () => {
    const r = await berth(['lock']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('berth.lock (3 services)');
    const lock = JSON.parse(lockBytes()) as {
      version: number;
      services: Record<string, { image?: Record<string, unknown>; build?: Record<string, never> }>;
    };
    expect(lock.version).toBe(1);
    expect(lock.services.app?.image).toMatchObject({ ref: app, digest: old.app, platform: 'linux/amd64' });
    const toolId = JSON.parse((await engine.docker(['image', 'inspect', '-f', '{{json .Id}}', tool])).stdout);
    expect(lock.services.tool?.image).toMatchObject({ ref: tool, digest: toolId, local: true });
    const build = lock.services.web?.build as unknown as {
      context: string;
      files: Record<string, string>;
      args: Record<string, string>;
      from: Record<string, { digest: string }>;
    };
    expect(build.context).toBe('./web');
    expect(Object.keys(build.files).sort()).toEqual(['.dockerignore', 'Dockerfile', 'a.txt', 'b.txt']);
    expect(build.args).toEqual({ MODE: 'one' });
    expect(build.from[base]?.digest).toBe(old.base);

    const before = lockBytes();
    expect((await berth(['lock', '--check'])).code).toBe(0);
    const again = await berth(['lock']);
    expect(again.stdout).toContain('is up to date');
    expect(lockBytes()).toBe(before);
  }, 120_000);

  it('up --frozen runs the locked images by digest; config --lock-image-digests prints the override', async () => {
    const r = await berth(['up', '-d', '--frozen', 'app']);
    expect(r.code, r.stderr).toBe(0);
    const ids = await engine.docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${name}`]);
    const image = await engine.docker(['inspect', '-f', '{{.Config.Image}}', ids.stdout.trim()]);
    expect(image.stdout.trim()).toBe(`${registry.host}/${name}/app@${old.app}`);
    expect((await berth(['down', '-t', '0'])).code).toBe(0);
    const o = await berth(['config', '--lock-image-digests']);
    expect(o.code, o.stderr).toBe(0);
    expect(o.stdout).toBe(`services:\n  app:\n    image: ${registry.host}/${name}/app@${old.app}\n`);
  }, 120_000);

  it('a moved tag: --frozen, BERTH_FROZEN=1 and --check name it and change nothing; without it the lock wins', async () => {
    // Push another image under both tags of the registry.
    const moved = join(dir, 'moved.tar');
    writeFileSync(moved, await makeBusyboxSaveTar({ tags: [app, base], cmd: ['echo', 'moved'] }));
    await engine.docker(['load', '-i', moved]);
    const newApp = await push(app);
    const newBase = await push(base);
    expect(newApp).not.toBe(old.app);
    const before = lockBytes();
    const appDrift = `service app: image ${app} is ${newApp} now, locked ${old.app}`;
    const baseDrift = `service web: FROM ${base} is ${newBase} now, locked ${old.base}`;

    const check = await berth(['lock', '--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(appDrift);
    expect(check.stderr).toContain(baseDrift);
    expect(check.stderr).toContain('(2 drifts)');
    for (const [args, env] of [
      [['up', '-d', '--frozen'], {}],
      [['build'], { BERTH_FROZEN: '1' }],
      [['pull', '--frozen'], {}],
      [['run', '--frozen', '--rm', 'app', 'true'], {}],
    ] as const) {
      const r = await berth([...args], env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(appDrift);
      expect(r.stderr).toContain(baseDrift);
      expect(r.stderr).toContain('LOCK_DRIFT');
    }
    expect(lockBytes()).toBe(before);
    const ps = await engine.docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${name}`, '-q']);
    expect(ps.stdout.trim()).toBe(''); // nothing was created

    const plan = await berth(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('drift from berth.lock');
    expect(plan.stdout).toContain(appDrift);

    // Without --frozen the lock is used: the old base, not the moved one (whose Cmd is "echo moved").
    const built = await berth(['build', 'web']);
    expect(built.code, built.stderr).toBe(0);
    const cmd = await engine.docker(['image', 'inspect', '-f', '{{json .Config.Cmd}}', `${name}-web`]);
    expect(JSON.parse(cmd.stdout)).toEqual(['sh']);
    const pulled = await berth(['pull', 'app']);
    expect(pulled.code, pulled.stderr).toBe(0);
    const id = await engine.docker([
      'image',
      'inspect',
      '-f',
      '{{json .RepoDigests}}',
      `${registry.host}/${name}/app@${old.app}`,
    ]);
    expect(id.stdout).toContain(old.app);

    // berth lock accepts the move.
    expect((await berth(['lock'])).code).toBe(0);
    expect((await berth(['lock', '--check'])).code).toBe(0);
    expect(lockBytes()).toContain(newApp);
  }, 300_000);

  it('lock --verify rebuilds in a scratch berthd that pulls the pinned base by digest, and finds the same image', async () => {
    const r = await berth(['lock', '--verify']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('web: reproducible (rebuilt in a scratch root)\n');
  }, 300_000);

  it('context, Dockerfile, build arg and local image drift are each named; an ignored file is no drift', async () => {
    webFile('ignored.txt', 'changed, but .dockerignore leaves it out\n');
    expect((await berth(['lock', '--check'])).code).toBe(0);

    const arg = await berth(['build', '--frozen', '--build-arg', 'MODE=other']);
    expect(arg.code).toBe(1);
    expect(arg.stderr).toContain('service web: build arg MODE is "other" now (--build-arg), locked "one"');

    webFile('a.txt', 'a changed\n');
    webFile('c.txt', 'new\n');
    const ctx = await berth(['build', '--frozen']);
    expect(ctx.code).toBe(1);
    expect(ctx.stderr).toContain('context ./web changed: 2 files (a.txt, c.txt)');
    webFile('a.txt', 'a\n');
    rmSync(join(project, 'web', 'c.txt'));

    webFile('Dockerfile', `ARG BASE=${base}\nFROM $BASE\nARG MODE\nCOPY . /app\nRUN echo $MODE > /mode2\n`);
    writeStack('two');
    const other = join(dir, 'tool2.tar');
    writeFileSync(other, await makeBusyboxSaveTar({ tags: [tool], cmd: ['echo', 'tool2'] }));
    await engine.docker(['load', '-i', other]);
    const r = await berth(['up', '-d', '--frozen']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('context ./web changed: 1 file (Dockerfile)');
    expect(r.stderr).toContain('service web: Dockerfile changed');
    expect(r.stderr).toContain('service web: build arg MODE is "two" now, locked "one"');
    expect(r.stderr).toMatch(
      new RegExp(`service tool: image ${tool.replace(/[.]/g, '\\.')} is sha256:[0-9a-f]{64} now, locked sha256:`),
    );
  }, 180_000);

  it('a base made from a Debian mirror is locked with its packages; made again with others, it is drift', async () => {
    const debian = `127.0.0.1:9/${name}/debian:bookworm`;
    const makeBase = async (versions: string): Promise<void> => {
      const ctx = join(dir, `base-${versions}`);
      mkdirSync(ctx, { recursive: true });
      const labels = `io.berth.bootstrap.key=k-${versions} io.berth.bootstrap.suite=bookworm io.berth.bootstrap.include=curl io.berth.bootstrap.packages=curl=${versions}`;
      writeFileSync(join(ctx, 'Dockerfile'), `FROM ${base}\nLABEL ${labels}\n`);
      const r = await engine.docker(['build', '-t', debian, ctx]);
      expect(r.stderr).not.toMatch(/error/i);
    };
    await makeBase('7.88.1-10');
    mkdirSync(join(project, 'deb'), { recursive: true });
    writeFileSync(join(project, 'deb', 'Dockerfile'), `FROM ${debian}\n`);
    writeFileSync(join(project, 'compose.yaml'), `services:\n  deb:\n    image: ${name}-deb\n    build: ./deb\n`);
    expect((await berth(['lock'])).code).toBe(0);
    const lock = JSON.parse(lockBytes()) as { services: { deb: { build: { bootstrap: Record<string, unknown> } } } };
    expect(lock.services.deb.build.bootstrap[debian]).toEqual({
      key: 'k-7.88.1-10',
      suite: 'bookworm',
      include: 'curl',
      packages: 'curl=7.88.1-10',
    });
    await makeBase('7.88.1-10+deb12u5');
    const r = await berth(['lock', '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`service deb: base ${debian} was made from other packages`);
    expect(r.stderr).toContain(`service deb: FROM ${debian} is sha256:`);
  }, 180_000);

  it('--frozen without a lock file refuses, and says how to make one', async () => {
    // A registry name on loopback where nothing listens: whatever happens, nothing leaves the machine.
    using p = projectDir({ 'compose.yaml': `services:\n  a: {image: '127.0.0.1:9/${name}/none:1'}\n` });
    const r = await runCli(['up', '--frozen'], { cwd: p.dir, env: engine.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('LOCK_MISSING');
    expect(r.stderr).toContain('berth lock');
    const check = await runCli(['lock', '--check'], { cwd: p.dir, env: engine.env });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('LOCK_MISSING');
    expect(existsSync(join(p.dir, 'berth.lock'))).toBe(false); // --check writes nothing
  }, 60_000);
});

describe.runIf(hasDockerd && hasRegistry)('a locked build on dockerd (which has no pinned FROM mapping)', () => {
  let dir: string;
  let registry: Registry;
  let engine: TestEngine;
  const name = `lockdockerd${process.pid}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-lock-dockerd-'));
    registry = await startRegistry(join(dir, 'reg'));
    engine = await startEngine('dockerd', join(dir, 'engine'));
  }, 180_000);

  afterAll(async () => {
    await engine?.close();
    await registry?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('tag-pins the locked base before the build, so a moved tag does not reach the image', async () => {
    const base = `${registry.host}/${name}/base:1`;
    const project = join(dir, 'project');
    mkdirSync(join(project, 'web'), { recursive: true });
    writeFileSync(join(project, 'compose.yaml'), `services:\n  web:\n    image: ${name}-web\n    build: ./web\n`);
    writeFileSync(join(project, 'web', 'Dockerfile'), `FROM ${base}\nLABEL made=here\n`);
    const berth = (args: string[]) => runCli(['-p', name, ...args], { cwd: project, env: engine.env });
    writeFileSync(join(dir, 'a.tar'), await makeBusyboxSaveTar({ tags: [base] }));
    await engine.docker(['load', '-i', join(dir, 'a.tar')]);
    await engine.docker(['push', base]);
    expect((await berth(['lock'])).code).toBe(0);
    writeFileSync(join(dir, 'b.tar'), await makeBusyboxSaveTar({ tags: [base], cmd: ['echo', 'moved'] }));
    await engine.docker(['load', '-i', join(dir, 'b.tar')]);
    await engine.docker(['push', base]);
    const r = await berth(['build']);
    expect(r.code, r.stderr).toBe(0);
    const cmd = await engine.docker(['image', 'inspect', '-f', '{{json .Config.Cmd}}', `${name}-web`]);
    expect(JSON.parse(cmd.stdout)).toEqual(['sh']);
  }, 300_000);
});
