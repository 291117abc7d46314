// `berth watch` on berthd and on Debian's dockerd: every action of develop.watch, deletes and renames, a stopped
// container, a burst of 1,000 files in one sync, a symlink out of the tree, ignore/include and the default
// ignores, and an edit of the stack file. Checks read the containers (docker exec, docker inspect), not text.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../src/cli/watch/actions.js';
import type { EngineName } from './engines.js';
import { hasDockerd, hasRunc } from './engines.js';
import type { WatchedStack } from './watch-fixture.js';
import { startWatchedStack } from './watch-fixture.js';

const LOOP = `['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']`;
const STACK = `
services:
  web:
    image: \${IMAGE}
    command: ${LOOP}
    develop:
      watch:
        - {action: sync, path: ./src, target: /app/src, ignore: [ignored/], initial_sync: true}
        - {action: sync, path: ./conf, target: /app/conf, include: ['*.conf']}
        - {action: sync+restart, path: ./restart, target: /app/restart}
        - action: sync+exec
          path: ./exec
          target: /app/exec
          exec: {command: ['sh', '-c', 'cat /app/exec/in > /app/exec/out']}
        - {action: restart, path: ./kick}
  built:
    build: {context: ./b, args: {BASE: "\${IMAGE}"}}
    command: ${LOOP}
    develop:
      watch:
        - {action: rebuild, path: ./b}
`;

const synced = (container: RegExp) => (e: WatchEvent) => e.kind === 'synced' && container.test(e.container);

function scenario(engine: EngineName): void {
  let s: WatchedStack;
  let outside: string;
  const cat = async (path: string): Promise<string> => s.docker('exec', await s.idOf('web'), 'cat', path);
  const exists = async (path: string): Promise<boolean> =>
    (await s.docker('exec', await s.idOf('web'), 'sh', '-c', `test -e ${path} && echo yes || echo no`)).trim() ===
    'yes';
  const startedAt = async (service: string): Promise<string> =>
    (await s.docker('inspect', '-f', '{{.State.StartedAt}}', await s.idOf(service))).trim();

  beforeAll(async () => {
    s = await startWatchedStack(engine, 'watch');
    outside = mkdtempSync(join(tmpdir(), 'berth-watch-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'host secret');
    s.write('compose.yaml', STACK);
    s.write('src/before.txt', 'there before watch');
    for (const d of ['conf', 'restart', 'exec', 'kick']) mkdirSync(join(s.dir, d));
    s.write('b/Dockerfile', 'ARG BASE\nFROM ${BASE}\nCOPY version /version\n');
    s.write('b/version', 'one');
    await s.startWatch();
  }, 180_000);

  afterAll(async () => {
    await s?.close();
    if (outside) rmSync(outside, { recursive: true, force: true });
  }, 120_000);

  it('initial_sync must copy the tree into the container when watch starts', async () => {
    await s.waitFor(synced(/web/));
    expect(await cat('/app/src/before.txt')).toBe('there before watch');
  });

  it('a saved file must be readable in the container, new and changed', async () => {
    const from = s.events.length;
    s.write('src/a.txt', 'first');
    await s.waitFor(synced(/web/), { from });
    expect(await cat('/app/src/a.txt')).toBe('first');
    const again = s.events.length;
    s.write('src/a.txt', 'second');
    await s.waitFor(synced(/web/), { from: again });
    expect(await cat('/app/src/a.txt')).toBe('second');
  });

  it('a deleted file must be deleted, and a renamed one moved, in the container', async () => {
    s.write('src/gone.txt', 'x');
    s.write('src/old-name.txt', 'moved');
    await s.waitFor(synced(/web/), { from: s.events.length - 0 });
    await expect.poll(() => exists('/app/src/old-name.txt'), { timeout: 10_000 }).toBe(true);
    unlinkSync(join(s.dir, 'src/gone.txt'));
    renameSync(join(s.dir, 'src/old-name.txt'), join(s.dir, 'src/new-name.txt'));
    await expect.poll(() => exists('/app/src/gone.txt'), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => exists('/app/src/old-name.txt'), { timeout: 10_000 }).toBe(false);
    expect(await cat('/app/src/new-name.txt')).toBe('moved');
  });

  it('ignore, include and the default ignores must keep files out of the container', async () => {
    const from = s.events.length;
    s.write('src/ignored/skip.txt', 'no');
    s.write('src/.notes.txt.swp', 'no');
    s.write('src/backup.txt~', 'no');
    s.write('conf/skip.txt', 'no');
    s.write('conf/app.conf', 'yes');
    await s.waitFor(synced(/web/), { from });
    expect(await cat('/app/conf/app.conf')).toBe('yes');
    // A marker written after them syncs only once everything before it was acted on.
    const marker = s.events.length;
    s.write('src/marker.txt', 'm');
    await s.waitFor(synced(/web/), { from: marker });
    for (const p of ['/app/src/ignored', '/app/src/.notes.txt.swp', '/app/src/backup.txt~', '/app/conf/skip.txt']) {
      expect(await exists(p), p).toBe(false);
    }
  });

  it('a symlink pointing out of the tree must be synced as a link, never followed', async () => {
    const from = s.events.length;
    symlinkSync(outside, join(s.dir, 'src/link'));
    await s.waitFor(synced(/web/), { from });
    const id = await s.idOf('web');
    expect(await s.docker('exec', id, 'ls', '-l', '/app/src/link')).toContain(`-> ${outside}`);
    const leaked = await s.docker('exec', id, 'sh', '-c', 'cat /app/src/link/secret.txt 2>/dev/null; true');
    expect(leaked).not.toContain('host secret');
  });

  it('a burst of 1,000 files must be one sync', async () => {
    const from = s.events.length;
    mkdirSync(join(s.dir, 'src/burst'));
    for (let i = 0; i < 1000; i++) writeFileSync(join(s.dir, 'src/burst', `f${i}.txt`), String(i));
    const e = await s.waitFor((x) => synced(/web/)(x) && x.kind === 'synced' && x.written >= 1000, {
      from,
      ms: 60_000,
    });
    const syncs = s.events.slice(from).filter(synced(/web/));
    expect(syncs).toEqual([e]);
    expect((await s.docker('exec', await s.idOf('web'), 'sh', '-c', 'ls /app/src/burst | wc -l')).trim()).toBe('1000');
    expect(await cat('/app/src/burst/f999.txt')).toBe('999');
  }, 90_000); // 1,000 files through the engine's extraction take seconds on a busy machine

  it('sync+restart must sync, then restart the container', async () => {
    const before = await startedAt('web');
    const from = s.events.length;
    s.write('restart/r.txt', 'r');
    await s.waitFor((e) => e.kind === 'restarted', { from });
    expect(await startedAt('web')).not.toBe(before);
    expect(await cat('/app/restart/r.txt')).toBe('r');
  });

  it('sync+exec must sync, then run the command in the container', async () => {
    const from = s.events.length;
    s.write('exec/in', 'ran after sync');
    const e = await s.waitFor((x) => x.kind === 'executed', { from });
    expect(e).toMatchObject({ exitCode: 0 });
    expect(await cat('/app/exec/out')).toBe('ran after sync');
  });

  it('restart must restart the container', async () => {
    const before = await startedAt('web');
    const from = s.events.length;
    s.write('kick/now', '1');
    await s.waitFor((e) => e.kind === 'restarted', { from });
    expect(await startedAt('web')).not.toBe(before);
  });

  it('a stopped container must receive the written files', async () => {
    const id = await s.idOf('web');
    await s.docker('stop', '-t', '1', id);
    const from = s.events.length;
    s.write('src/while-stopped.txt', 'written while stopped');
    await s.waitFor(synced(/web/), { from });
    await s.docker('start', id);
    expect(await cat('/app/src/while-stopped.txt')).toBe('written while stopped');
  });

  it('rebuild must rebuild the image and recreate only that service', async () => {
    const web = await s.idOf('web');
    const before = await s.idOf('built');
    const from = s.events.length;
    s.write('b/version', 'two');
    await s.waitFor((e) => e.kind === 'rebuilt', { from, ms: 120_000 });
    const after = await s.idOf('built');
    expect(after).not.toBe(before);
    expect(await s.docker('exec', after, 'cat', '/version')).toBe('two');
    expect(await s.idOf('web')).toBe(web);
  }, 150_000);

  it('saving the stack file must apply only what changed, and watch the new rules', async () => {
    const web = await s.idOf('web');
    mkdirSync(join(s.dir, 'extra'));
    const from = s.events.length;
    s.write(
      'compose.yaml',
      `${STACK}  extra:\n    image: \${IMAGE}\n    command: ${LOOP}\n    develop:\n      watch:\n        - {action: sync, path: ./extra, target: /x}\n`,
    );
    await s.waitFor((e) => e.kind === 'stack-applied', { from, ms: 60_000 });
    expect(await s.idOf('extra')).not.toBe('');
    expect(await s.idOf('web')).toBe(web);
    const again = s.events.length;
    s.write('extra/e.txt', 'extra');
    await s.waitFor(synced(/extra/), { from: again });
    expect(await s.docker('exec', await s.idOf('extra'), 'cat', '/x/e.txt')).toBe('extra');
  }, 90_000);

  it('a stack file saved with an error must be reported, and the watch go on', async () => {
    s.write('compose.yaml', `${STACK}  broken: [\n`);
    await expect.poll(() => s.output.join(''), { timeout: 30_000 }).toContain('[SPEC_');
    const from = s.events.length;
    s.write('src/still.txt', 'still watching');
    await s.waitFor(synced(/web/), { from });
    expect(await cat('/app/src/still.txt')).toBe('still watching');
  }, 60_000);
}

describe.runIf(hasRunc)('berth watch on berthd', () => scenario('berthd'));
describe.runIf(hasRunc && hasDockerd)('berth watch on dockerd', () => scenario('dockerd'));
