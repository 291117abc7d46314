// Reproducible builds through the lock, on real parts: two berthds with separate data roots, each starting from
// nothing but the busybox test image, build the same multi-stage Dockerfile (COPY, RUN, ADD) from the same
// berth.lock and must give the same image ID and layer digests, with the time of the project's last git commit;
// a changed file, build arg or base must change the ID, and a moved base tag must not while the lock pins it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { runDocker } from '../engine/docker-cli.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import { hasRunc } from './engines.js';
import { runCli } from './run-cli.js';

const COMMIT_TIME = 1_712_345_678; // 2024-04-05T19:34:38Z

const DOCKERFILE = (base: string): string => `FROM ${base} AS build
ARG MSG=hi
COPY src/ /src/
RUN cat /src/a.txt > /out.txt && echo "$MSG" >> /out.txt && mkdir -p /made && touch /made/stamp
ADD extra.txt /extra/
FROM ${base}
COPY --from=build /out.txt /out.txt
ADD data /data
RUN ls -l /data > /listing
CMD ["cat", "/out.txt"]
`;

interface Inspected {
  Id: string;
  Created: string;
  RootFS: { Layers: string[] };
}

describe.runIf(hasRunc)('reproducible builds from berth.lock in two data roots', () => {
  let dir: string;
  let project: string;
  const daemons: Berthd[] = [];
  const name = `lockrepro${process.pid}`;
  // A base no registry has (nothing listens on port 9 of loopback): the lock pins it by image ID.
  const base = `127.0.0.1:9/${name}/busybox:1`;
  const image = `${name}-web:1`;

  const berth = (d: Berthd, args: string[]) =>
    runCli(['-p', name, ...args], { cwd: project, env: { BERTH_SOCKET: d.socket, BERTH_ROOT: d.root } });
  const inspect = async (d: Berthd, ref: string): Promise<Inspected> => {
    const r = await runDocker(d.socket, ['image', 'inspect', ref]);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as Inspected[])[0] as Inspected;
  };
  const build = async (d: Berthd, extra: string[] = []): Promise<Inspected> => {
    const r = await berth(d, ['build', ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return inspect(d, image);
  };
  const git = (...args: string[]): void => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
      cwd: project,
      env: { ...process.env, GIT_COMMITTER_DATE: `@${COMMIT_TIME} +0000`, GIT_AUTHOR_DATE: `@${COMMIT_TIME} +0000` },
    });
    expect(r.status, r.stderr.toString()).toBe(0);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-lock-repro-'));
    project = join(dir, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    mkdirSync(join(project, 'data', 'sub'), { recursive: true });
    writeFileSync(join(project, 'Dockerfile'), DOCKERFILE(base));
    writeFileSync(join(project, 'src', 'a.txt'), 'from a\n');
    writeFileSync(join(project, 'extra.txt'), 'extra\n');
    writeFileSync(join(project, 'data', 'one.txt'), '1\n');
    writeFileSync(join(project, 'data', 'sub', 'two.txt'), '2\n');
    writeFileSync(
      join(project, 'compose.yaml'),
      `services:\n  web:\n    image: ${image}\n    build:\n      context: .\n      args: {MSG: hi}\n`,
    );
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'the project');
    const tar = join(dir, 'busybox.tar');
    writeFileSync(tar, await makeBusyboxSaveTar({ tags: [base] }));
    for (const root of ['a', 'b']) {
      const d = await startBerthd({ root: join(dir, root, 'root'), socket: join(dir, root, 'run', 'berth.sock') });
      daemons.push(d);
      const loaded = await runDocker(d.socket, ['load', '-i', tar]);
      expect(loaded.code, loaded.stderr).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    for (const d of daemons) await d.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('the same lock gives the same image ID and layers in two separate roots, dated by the last commit', async () => {
    const [a, b] = daemons as [Berthd, Berthd];
    const locked = await berth(a, ['lock']);
    expect(locked.code, locked.stderr).toBe(0);
    const lock = JSON.parse(readFileSync(join(project, 'berth.lock'), 'utf8')) as {
      sourceDateEpoch: number;
      services: { web: { build: { from: Record<string, { local?: boolean; digest: string }> } } };
    };
    expect(lock.sourceDateEpoch).toBe(COMMIT_TIME);
    const basePin = lock.services.web.build.from[base];
    expect(basePin?.local).toBe(true);
    expect(basePin?.digest).toBe((await inspect(a, base)).Id);

    const inA = await build(a);
    const inB = await build(b);
    expect(inB.Id).toBe(inA.Id);
    expect(inB.RootFS.Layers).toEqual(inA.RootFS.Layers);
    expect(inA.RootFS.Layers.length).toBe(4); // busybox, then the final stage's COPY, ADD and RUN
    expect(inA.Created).toBe(new Date(COMMIT_TIME * 1000).toISOString().replace('.000Z', 'Z'));
  }, 300_000);

  it('a changed file, build arg or base changes the image ID; a moved base tag does not while locked', async () => {
    const [a, b] = daemons as [Berthd, Berthd];
    const first = (await inspect(a, image)).Id;

    writeFileSync(join(project, 'src', 'a.txt'), 'from a, changed\n');
    const changedFile = (await build(b)).Id;
    expect(changedFile).not.toBe(first);
    writeFileSync(join(project, 'src', 'a.txt'), 'from a\n');
    expect((await build(b)).Id).toBe(first); // back to the locked content, back to the same image

    expect((await build(b, ['--build-arg', 'MSG=bye'])).Id).not.toBe(first);

    // The base tag now names another image on b; the lock still pins the old one, so nothing changes...
    const other = join(dir, 'other.tar');
    writeFileSync(other, await makeBusyboxSaveTar({ tags: [base], cmd: ['sh', '-c', 'echo other'] }));
    expect((await runDocker(b.socket, ['load', '-i', other])).code).toBe(0);
    expect((await build(b)).Id).toBe(first);
    // ...until the lock is written again: the new base gives a new image.
    expect((await berth(b, ['lock'])).code).toBe(0);
    const rebased = (await build(b)).Id;
    expect(rebased).not.toBe(first);
  }, 300_000);

  it('lock --verify rebuilds without the cache and names the service whose RUN is not reproducible', async () => {
    const b = daemons[1] as Berthd;
    const stack = readFileSync(join(project, 'compose.yaml'), 'utf8');
    writeFileSync(
      join(project, 'compose.yaml'),
      `${stack}  noisy:\n    image: ${name}-noisy:1\n    build:\n      context: .\n` +
        `      dockerfile_inline: "FROM ${base}\\nRUN head -c 16 /dev/urandom > /random\\n"\n`,
    );
    expect((await berth(b, ['lock'])).code).toBe(0);
    const r = await berth(b, ['lock', '--verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('web: reproducible (rebuilt without the cache (a base is local-only))\n');
    expect(r.stdout).toMatch(/noisy: NOT reproducible: layer 2 of 2 differs/);
    expect(r.stderr).toContain('LOCK_NOT_REPRODUCIBLE');
    expect(r.stderr).toContain('noisy');
  }, 300_000);
});
