// Dockerfile builds on berthd with the real docker CLI (its classic builder path: POST /build with a tar context),
// runc containers for RUN, and the busybox test image. Each run has its own data root, socket and names.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../../src/engine/daemon/berthd.js';
import { type DockerResult, runDocker } from '../docker-cli.js';
import { makeBusyboxSaveTar } from '../fixtures/busybox-image.js';

const hasTools = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

const FOUR_STAGES = `# syntax=docker/dockerfile:1
ARG BASE=IMAGE
FROM \${BASE} AS base
ARG GREETING=hello
ENV APP_HOME=/app \\
    MODE=test
WORKDIR $APP_HOME
RUN echo "$GREETING from base" > /base.txt

FROM base AS deps
COPY lib/ ./lib/
RUN cat lib/*.txt > deps.txt

FROM base AS unused
RUN exit 7

FROM deps AS build
COPY src/main.txt src/
RUN cat deps.txt src/main.txt > out.txt && rm /base.txt

FROM IMAGE
LABEL org.example.stage=final
COPY --from=build /app/out.txt /out.txt
COPY --from=deps --chown=1000:1000 --chmod=640 /app/lib/a.txt /owned.txt
CMD ["cat", "/out.txt"]
`;

describe.runIf(hasTools)('berthd builds Dockerfiles (docker build against berthd)', () => {
  let daemon: Berthd | undefined;
  let dir: string;
  let ctx: string;
  const tag = `berth-build-${process.pid}`;
  const base = `${tag}/busybox:1`;
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(daemon?.socket ?? '', args, 120_000);
  const build = (...args: string[]): Promise<DockerResult> =>
    runDocker(daemon?.socket ?? '', ['build', ...args], 120_000);
  const inspect = async (
    ref: string,
  ): Promise<{ Id: string; RootFS: { Layers: string[] }; Config: Record<string, unknown> }> => {
    const r = await docker('image', 'inspect', ref);
    expect(r.code, r.stderr).toBe(0);
    return (
      JSON.parse(r.stdout) as Array<{ Id: string; RootFS: { Layers: string[] }; Config: Record<string, unknown> }>
    )[0]!;
  };
  /** The steps of a build output that ran (not served from the cache), by their instruction text. */
  const ranSteps = (output: string): string[] => {
    const out: string[] = [];
    const blocks = output.split(/^Step \d+\/\d+ : /m).slice(1);
    for (const b of blocks) {
      const [first = ''] = b.split('\n');
      if (!first.startsWith('FROM') && !first.startsWith('ARG') && !b.includes('Using cache')) out.push(first);
    }
    return out;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-build-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [base] }));
    expect((await docker('load', '-i', join(dir, 'busybox.tar'))).code).toBe(0);
    ctx = join(dir, 'ctx');
    mkdirSync(join(ctx, 'lib'), { recursive: true });
    mkdirSync(join(ctx, 'src'), { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), FOUR_STAGES.replaceAll('IMAGE', base));
    writeFileSync(join(ctx, 'lib', 'a.txt'), 'lib a\n');
    writeFileSync(join(ctx, 'lib', 'b.txt'), 'lib b\n');
    writeFileSync(join(ctx, 'src', 'main.txt'), 'main v1\n');
    writeFileSync(join(ctx, 'README.md'), 'not copied\n');
    writeFileSync(join(ctx, 'secret.env'), 'TOKEN=x\n');
    writeFileSync(join(ctx, '.dockerignore'), 'secret.env\n');
  }, 60_000);

  afterAll(async () => {
    try {
      if (daemon) {
        const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await docker('rm', '-f', ...ids);
      }
    } finally {
      await daemon?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a 4-stage Dockerfile builds, skips the stage the target does not need, and the image runs', async () => {
    const r = await build('-t', `${tag}/app:1`, ctx);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('Successfully tagged');
    expect(r.stdout).not.toContain('exit 7'); // the "unused" stage is not built
    const run = await docker('run', '--rm', `${tag}/app:1`);
    expect(run).toMatchObject({ code: 0, stdout: 'lib a\nlib b\nmain v1\n' });
    const owned = await docker('run', '--rm', `${tag}/app:1`, 'ls', '-ln', '/owned.txt');
    expect(owned.stdout).toMatch(/^-rw-r-----\s+1\s+1000\s+1000\s/);
    const image = await inspect(`${tag}/app:1`);
    expect(image.Config.Labels).toMatchObject({ 'org.example.stage': 'final' });
    expect(image.Config.Cmd).toEqual(['cat', '/out.txt']);
    // No container of a RUN step and no mount of a step is left.
    expect((await docker('ps', '-aq')).stdout.trim()).toBe('');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(join(dir, 'root', 'build'));
  }, 120_000);

  it('an unchanged rebuild takes every step from the cache and gives the same image', async () => {
    const first = await inspect(`${tag}/app:1`);
    const r = await build('-t', `${tag}/app:1`, ctx);
    expect(r.code, r.stderr).toBe(0);
    expect(ranSteps(r.stdout)).toEqual([]);
    expect(r.stdout).toContain('CACHED');
    expect((await inspect(`${tag}/app:1`)).Id).toBe(first.Id);
  }, 120_000);

  it('touching files or changing a file no COPY uses rebuilds nothing', async () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(ctx, 'src', 'main.txt'), later, later);
    utimesSync(join(ctx, 'lib', 'a.txt'), later, later);
    writeFileSync(join(ctx, 'README.md'), 'changed, but not copied\n');
    const r = await build('-t', `${tag}/app:1`, ctx);
    expect(r.code, r.stderr).toBe(0);
    expect(ranSteps(r.stdout)).toEqual([]);
  }, 120_000);

  it('editing one source file rebuilds only the steps from its COPY on', async () => {
    writeFileSync(join(ctx, 'src', 'main.txt'), 'main v2\n');
    const r = await build('-t', `${tag}/app:1`, ctx);
    expect(r.code, r.stderr).toBe(0);
    expect(ranSteps(r.stdout)).toEqual([
      'COPY src/main.txt src/',
      'RUN cat deps.txt src/main.txt > out.txt && rm /base.txt',
      'COPY --from=build /app/out.txt /out.txt',
      'COPY --from=deps --chown=1000:1000 --chmod=640 /app/lib/a.txt /owned.txt',
      'CMD ["cat", "/out.txt"]',
    ]);
    const run = await docker('run', '--rm', `${tag}/app:1`);
    expect(run.stdout).toBe('lib a\nlib b\nmain v2\n');
  }, 120_000);

  it('--target builds up to that stage; a file deleted by RUN is gone; .dockerignore keeps files out', async () => {
    const r = await build('--target', 'build', '-t', `${tag}/build:1`, ctx);
    expect(r.code, r.stderr).toBe(0);
    const ls = await docker('run', '--rm', `${tag}/build:1`, 'sh', '-c', 'ls /; ls /app');
    expect(ls.stdout).not.toMatch(/^base\.txt$/m); // removed by the RUN of the build stage: a whiteout
    expect(ls.stdout).toMatch(/^out\.txt$/m);
    const copyAll = join(dir, 'ctx-all');
    mkdirSync(copyAll);
    writeFileSync(join(copyAll, 'Dockerfile'), `FROM ${base}\nCOPY . /ctx/\n`);
    writeFileSync(join(copyAll, 'kept.txt'), 'k\n');
    writeFileSync(join(copyAll, 'secret.env'), 's\n');
    writeFileSync(join(copyAll, '.dockerignore'), 'secret.env\n');
    expect((await build('-t', `${tag}/all:1`, copyAll)).code).toBe(0);
    const files = await docker('run', '--rm', `${tag}/all:1`, 'ls', '-a', '/ctx');
    expect(files.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '.',
      '..',
      '.dockerignore',
      'Dockerfile',
      'kept.txt',
    ]);
  }, 120_000);

  it('settings instructions, build args, heredocs and --label end up in the image as docker build puts them', async () => {
    const c = join(dir, 'ctx-settings');
    mkdirSync(c);
    writeFileSync(
      join(c, 'Dockerfile'),
      [
        `FROM ${base}`,
        'ARG VERSION=0.0.0',
        'ARG UNSET_ONE',
        'ENV APP_VERSION=$VERSION HOME_DIR=/srv',
        'WORKDIR ${HOME_DIR}',
        'WORKDIR data',
        'RUN <<EOF',
        'echo "v=$VERSION" > /version.txt',
        'pwd >> /version.txt',
        'EOF',
        'RUN <<EOF',
        '#!/bin/sh',
        'echo script >> /version.txt',
        'EOF',
        'EXPOSE 8080 53/udp',
        'VOLUME /srv/cache',
        'USER 1000:1000',
        'STOPSIGNAL SIGQUIT',
        'HEALTHCHECK --interval=5s --retries=2 CMD [ -f /version.txt ]',
        'CMD ["from-cmd"]',
        'ENTRYPOINT ["cat"]',
        'CMD ["/version.txt"]',
        '',
      ].join('\n'),
    );
    const r = await build(
      '--build-arg',
      'VERSION=1.2.3',
      '--build-arg',
      'NOBODY=x',
      '--label',
      'team=core',
      '-t',
      `${tag}/settings:1`,
      c,
    );
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('[Warning] One or more build-args [NOBODY] were not consumed');
    const { Config } = await inspect(`${tag}/settings:1`);
    expect(Config).toMatchObject({
      Env: expect.arrayContaining(['APP_VERSION=1.2.3', 'HOME_DIR=/srv']),
      WorkingDir: '/srv/data',
      ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
      Volumes: { '/srv/cache': {} },
      User: '1000:1000',
      StopSignal: 'SIGQUIT',
      Healthcheck: { Test: ['CMD-SHELL', '[ -f /version.txt ]'], Interval: 5_000_000_000, Retries: 2 },
      Entrypoint: ['cat'],
      Cmd: ['/version.txt'],
      Labels: { team: 'core' },
    });
    const out = await docker('run', '--rm', `${tag}/settings:1`); // as USER 1000: "/" must be readable
    expect(out, out.stderr).toMatchObject({ code: 0, stdout: 'v=1.2.3\n/srv/data\nscript\n' });
  }, 120_000);

  it('the same Dockerfile and context give the same layer digests when built again without the cache', async () => {
    const ctx2 = join(dir, 'ctx-repro');
    mkdirSync(ctx2);
    writeFileSync(
      join(ctx2, 'Dockerfile'),
      `FROM ${base}\nCOPY f.txt /f.txt\nRUN mkdir -p /gen && echo made > /gen/x\n`,
    );
    writeFileSync(join(ctx2, 'f.txt'), 'same\n');
    const a = await build('--no-cache', '-t', `${tag}/repro:a`, ctx2);
    expect(a.code, a.stderr).toBe(0);
    const later = new Date(Date.now() + 3_600_000);
    utimesSync(join(ctx2, 'f.txt'), later, later);
    const b = await build('--no-cache', '-t', `${tag}/repro:b`, ctx2);
    expect(b.code, b.stderr).toBe(0);
    expect(ranSteps(b.stdout)).toHaveLength(2); // --no-cache ran both steps again
    expect((await inspect(`${tag}/repro:b`)).RootFS.Layers).toEqual((await inspect(`${tag}/repro:a`)).RootFS.Layers);
  }, 120_000);

  it('with SOURCE_DATE_EPOCH two builds without the cache give the same image ID', async () => {
    const c = join(dir, 'ctx-epoch');
    mkdirSync(c);
    writeFileSync(join(c, 'Dockerfile'), `FROM ${base}\nENV A=1\nCOPY f.txt /f.txt\nRUN echo made > /made\n`);
    writeFileSync(join(c, 'f.txt'), 'same\n');
    const epoch = ['--build-arg', 'SOURCE_DATE_EPOCH=1700000000', '--no-cache'];
    expect((await build(...epoch, '-t', `${tag}/epoch:a`, c)).code).toBe(0);
    expect((await build(...epoch, '-t', `${tag}/epoch:b`, c)).code).toBe(0);
    const [a, b] = [await inspect(`${tag}/epoch:a`), await inspect(`${tag}/epoch:b`)];
    expect(b.Id).toBe(a.Id);
    const created = await docker('image', 'inspect', '-f', '{{.Created}}', `${tag}/epoch:a`);
    expect(created.stdout.trim()).toBe('2023-11-14T22:13:20Z');
  }, 120_000);

  it('ONBUILD triggers of a base image run when it is used in FROM', async () => {
    const parent = join(dir, 'ctx-onbuild-parent');
    mkdirSync(parent);
    writeFileSync(
      join(parent, 'Dockerfile'),
      `FROM ${base}\nONBUILD COPY hello.txt /from-child.txt\nONBUILD RUN echo triggered > /triggered\n`,
    );
    expect((await build('-t', `${tag}/onbuild:1`, parent)).code).toBe(0);
    const child = join(dir, 'ctx-onbuild-child');
    mkdirSync(child);
    writeFileSync(join(child, 'Dockerfile'), `FROM ${tag}/onbuild:1\nCMD ["cat", "/from-child.txt", "/triggered"]\n`);
    writeFileSync(join(child, 'hello.txt'), 'hello from the child context\n');
    const r = await build('-t', `${tag}/onbuild-child:1`, child);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('# Executing 2 build triggers');
    const run = await docker('run', '--rm', `${tag}/onbuild-child:1`);
    expect(run.stdout).toBe('hello from the child context\ntriggered\n');
    const grandchild = await inspect(`${tag}/onbuild-child:1`);
    expect(grandchild.Config.OnBuild ?? null).toBeNull(); // triggers are not inherited further
  }, 120_000);

  it('a failing RUN names the Dockerfile line and exit code, shows its output, and tags nothing', async () => {
    const bad = join(dir, 'ctx-fail');
    mkdirSync(bad);
    writeFileSync(join(bad, 'Dockerfile'), `FROM ${base}\nRUN echo first\nRUN echo doomed-output && exit 3\n`);
    const r = await build('-t', `${tag}/fail:1`, bad);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(
      "Dockerfile:3: The command '/bin/sh -c echo doomed-output && exit 3' returned a non-zero code: 3",
    );
    expect(r.stdout + r.stderr).toContain('doomed-output');
    expect((await docker('image', 'inspect', `${tag}/fail:1`)).code).not.toBe(0);
    expect((await docker('ps', '-aq')).stdout.trim()).toBe('');
  }, 120_000);

  it('bad input fails with the Dockerfile position: unknown instruction, COPY outside the context, a FROM image that cannot be pulled', async () => {
    const cases: Array<[string, RegExp]> = [
      [`FROM ${base}\nFORM x\n`, /Dockerfile:2:1: .*unknown instruction.*FORM/i],
      [`FROM ${base}\nCOPY ../outside /x\n`, /Dockerfile:2:1: .*outside/i],
      // a missing base is pulled; from a registry that does not answer (on loopback) the build fails at the FROM
      [`FROM 127.0.0.1:1/${tag}/not-there:1\n`, /Dockerfile:1:1: FROM ".*not-there:1": .*127\.0\.0\.1:1.*unreachable/],
      [`FROM ${base}\nCOPY missing.txt /x\n`, /Dockerfile:2:1: .*missing\.txt/],
    ];
    for (const [text, expected] of cases) {
      const c = mkdtempSync(join(dir, 'ctx-bad-'));
      writeFileSync(join(c, 'Dockerfile'), text);
      const r = await build('-t', `${tag}/bad:1`, c);
      expect(r.code, text).not.toBe(0);
      expect(r.stdout + r.stderr, text).toMatch(expected);
    }
    expect((await docker('image', 'inspect', `${tag}/bad:1`)).code).not.toBe(0);
  }, 120_000);

  it('removing a built image deletes its step images, and builder prune removes orphaned steps', async () => {
    const before = (await docker('images', '-aq', '--no-trunc')).stdout.split('\n').filter(Boolean).length;
    const c = join(dir, 'ctx-rmi');
    mkdirSync(c);
    writeFileSync(join(c, 'Dockerfile'), `FROM ${base}\nENV ONLY_HERE=1\nRUN echo x > /x\n`);
    expect((await build('-t', `${tag}/rmi:1`, c)).code).toBe(0);
    const withSteps = (await docker('images', '-aq', '--no-trunc')).stdout.split('\n').filter(Boolean).length;
    expect(withSteps).toBe(before + 2);
    expect((await docker('images', '-q', '--no-trunc')).stdout).not.toContain('<none>');
    const rmi = await docker('rmi', `${tag}/rmi:1`);
    expect(rmi.code, rmi.stderr).toBe(0);
    expect((await docker('images', '-aq', '--no-trunc')).stdout.split('\n').filter(Boolean).length).toBe(before);
    expect(readdirSync(join(dir, 'root', 'build'))).toEqual([]);
    // A rebuild moves the tag; the old image and its steps are then orphans that docker builder prune removes.
    expect((await build('-t', `${tag}/rmi:2`, c)).code).toBe(0);
    const parentOf = async (ref: string): Promise<string> =>
      (await docker('image', 'inspect', '-f', '{{.Parent}}', ref)).stdout.trim();
    const old = [(await inspect(`${tag}/rmi:2`)).Id, await parentOf(`${tag}/rmi:2`)];
    writeFileSync(join(c, 'Dockerfile'), `FROM ${base}\nENV ONLY_HERE=2\nRUN echo y > /y\n`);
    expect((await build('-t', `${tag}/rmi:2`, c)).code).toBe(0);
    const current = [(await inspect(`${tag}/rmi:2`)).Id, await parentOf(`${tag}/rmi:2`)];
    const all = async (): Promise<string[]> =>
      (await docker('images', '-aq', '--no-trunc')).stdout.split('\n').filter(Boolean);
    expect(await all()).toEqual(expect.arrayContaining([...old, ...current]));
    const prune = await docker('builder', 'prune', '-f');
    expect(prune.code, prune.stderr).toBe(0);
    const left = await all();
    expect(left).toEqual(expect.arrayContaining(current));
    expect(left.filter((id) => old.includes(id))).toEqual([]);
    expect((await docker('run', '--rm', `${tag}/rmi:2`, 'cat', '/y')).stdout).toBe('y\n');
  }, 120_000);
});
