// The EngineClient contract beyond a container's lifecycle: networks (and connecting containers to them),
// volumes, images, events, exec and the archive calls.
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { isDirMode } from '../../src/client/archive.js';
import { demultiplex } from '../../src/client/stdcopy.js';
import type { EngineEvent } from '../../src/client/types.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import type { Connect } from './contract-session.js';
import { filesOf, IMAGE, LABEL, tarOf, until, withSession } from './contract-session.js';

export function resourceContract(connect: Connect): void {
  it('networks: create, inspect, list by label and exact name, a name in use is a "conflict", remove, then "not-found"', () =>
    withSession(connect, async (s) => {
      const name = s.name('net');
      const { id } = await s.engine.networks.create({ name, labels: { ...s.label, tier: 'back' } });
      expect(await s.engine.networks.inspect(name)).toMatchObject({ id, name, driver: 'bridge', internal: false });
      expect((await s.engine.networks.inspect(id))?.labels).toMatchObject({ tier: 'back' });
      const mine = `${LABEL}=${s.label[LABEL]}`;
      expect((await s.engine.networks.list({ labels: [mine, 'tier=back'] })).map((n) => n.name)).toEqual([name]);
      expect(await s.engine.networks.list({ labels: [mine, 'tier=front'] })).toEqual([]);
      expect((await s.engine.networks.list({ names: [name] })).map((n) => n.id)).toEqual([id]);
      expect(await s.engine.networks.list({ names: [name.slice(0, -1)] })).toEqual([]);
      await expect(s.engine.networks.create({ name, labels: s.label })).rejects.toMatchObject({ kind: 'conflict' });
      await s.engine.networks.remove(name);
      expect(await s.engine.networks.inspect(name)).toBeUndefined();
      await expect(s.engine.networks.remove(name)).rejects.toMatchObject({ kind: 'not-found' });
    }));

  it('connect and disconnect a container: inspect shows the network and its aliases, then not', () =>
    withSession(connect, async (s) => {
      const net = s.name('attach');
      await s.engine.networks.create({ name: net, labels: s.label });
      const name = s.name('attached');
      await s.engine.containers.create({
        name,
        body: { Image: IMAGE, Cmd: ['true'], Labels: s.label, HostConfig: { NetworkMode: net } },
      });
      const other = s.name('other-net');
      await s.engine.networks.create({ name: other, labels: s.label });
      await s.engine.containers.connect(name, other, { Aliases: ['db'] });
      const attached = await s.engine.containers.inspect(name);
      expect(Object.keys(attached?.networks ?? {}).sort()).toEqual([net, other].sort());
      expect(attached?.networks[other]?.aliases).toContain('db');
      await s.engine.containers.disconnect(name, other);
      expect(Object.keys((await s.engine.containers.inspect(name))?.networks ?? {})).toEqual([net]);
      await expect(s.engine.containers.connect(s.name('no-ctr'), other)).rejects.toMatchObject({ kind: 'not-found' });
      // An unknown network is "not-found" at the connect (berthd, the fake) or, for a container that does not run,
      // at its start: dockerd 20.10 only records the endpoint of a stopped container, by name, on purpose (the
      // network may be made before the start; daemon/container_operations.go), and resolves it when it starts.
      const late = await s.engine.containers.connect(name, s.name('no-net')).then(
        () => true,
        (e: unknown) => {
          expect(e).toMatchObject({ kind: 'not-found' });
          return false;
        },
      );
      if (late) await expect(s.engine.containers.start(name)).rejects.toMatchObject({ kind: 'not-found' });
    }));

  it('volumes: create, inspect, list by label, a volume in use is a "conflict", remove, then "not-found" (force: quiet)', () =>
    withSession(connect, async (s) => {
      const name = s.name('vol');
      const created = await s.engine.volumes.create({ name, labels: { ...s.label, kind: 'data' } });
      expect(created).toMatchObject({ name, driver: 'local', labels: { kind: 'data' } });
      // Docker's volume create is idempotent on purpose (`docker volume create x` twice succeeds; Compose
      // relies on it): a name in use gives the volume that has it, not a conflict, on dockerd and berthd alike.
      expect((await s.engine.volumes.create({ name, labels: s.label })).name).toBe(name);
      expect(await s.engine.volumes.inspect(name)).toMatchObject({ name, driver: 'local' });
      const mine = `${LABEL}=${s.label[LABEL]}`;
      expect((await s.engine.volumes.list({ labels: [mine, 'kind=data'] })).map((v) => v.name)).toEqual([name]);
      expect((await s.engine.volumes.list({ names: [name] })).map((v) => v.name)).toEqual([name]);
      const user = s.name('user');
      await s.create(user, ['true'], {
        HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: name, Target: '/data' }] },
      });
      expect((await s.engine.containers.inspect(user))?.mounts).toMatchObject([
        { type: 'volume', name, destination: '/data', rw: true },
      ]);
      await expect(s.engine.volumes.remove(name)).rejects.toMatchObject({ kind: 'conflict' });
      await s.engine.containers.remove(user);
      await s.engine.volumes.remove(name);
      expect(await s.engine.volumes.inspect(name)).toBeUndefined();
      await expect(s.engine.volumes.remove(name)).rejects.toMatchObject({ kind: 'not-found' });
      await s.engine.volumes.remove(name, { force: true });
    }));

  it('images: inspect by tag and by id, tag adds a name, removing one of two tags only untags, an image in use is a "conflict"', () =>
    withSession(connect, async (s) => {
      const img = await s.engine.images.inspect(IMAGE);
      expect(img?.repoTags).toContain(IMAGE);
      expect((await s.engine.images.inspect(img?.id ?? ''))?.id).toBe(img?.id);
      expect(await s.engine.images.inspect('berth-contract/no-such-image:1')).toBeUndefined();
      const repo = s.name('tagged');
      s.ownTag(`${repo}:v1`);
      await s.engine.images.tag(IMAGE, repo, 'v1');
      expect((await s.engine.images.inspect(`${repo}:v1`))?.id).toBe(img?.id);
      expect((await s.engine.images.list({ references: [`${repo}:v1`] })).map((i) => i.id)).toEqual([img?.id]);
      await s.engine.images.remove(`${repo}:v1`);
      expect(await s.engine.images.inspect(`${repo}:v1`)).toBeUndefined();
      expect((await s.engine.images.inspect(IMAGE))?.id).toBe(img?.id);
      await expect(s.engine.images.tag('berth-contract/no-such-image:1', repo, 'v2')).rejects.toMatchObject({
        kind: 'not-found',
      });
      await expect(s.engine.images.remove('berth-contract/no-such-image:1')).rejects.toMatchObject({
        kind: 'not-found',
      });

      // An image of its own (another command, so another id) that a container uses.
      const own = `${s.name('own')}:1`;
      s.ownTag(own);
      await s.engine.images.load(Readable.from([await makeBusyboxSaveTar({ tags: [own], cmd: ['true'] })]));
      const user = s.name('image-user');
      await s.engine.containers.create({
        name: user,
        body: { Image: own, Labels: s.label, HostConfig: { NetworkMode: 'none' } },
      });
      await expect(s.engine.images.remove(own)).rejects.toMatchObject({ kind: 'conflict' });
      await s.engine.containers.remove(user);
      await s.engine.images.remove(own);
      expect(await s.engine.images.inspect(own)).toBeUndefined();
    }));

  it('events: create, start, die (with its exit code) and destroy of a container, in order, narrowed by label and action', () =>
    withSession(connect, async (s) => {
      const since = String(Math.floor(Date.now() / 1000) - 1);
      const name = s.name('events');
      const id = await s.create(name, ['sh', '-c', 'exit 2'], { Labels: { watched: s.name('w') } });
      await s.create(s.name('unwatched'), ['true']);
      await s.engine.containers.start(name);
      await s.engine.containers.wait(name);
      await s.engine.containers.remove(name);
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 15_000);
      const seen: EngineEvent[] = [];
      for await (const e of s.engine.events(
        { since, labels: [`watched=${s.name('w')}`], types: ['container'] },
        ac.signal,
      )) {
        seen.push(e);
        if (e.action === 'destroy') break;
      }
      clearTimeout(timer);
      const lifecycle = seen.filter((e) => ['create', 'start', 'die', 'destroy'].includes(e.action));
      expect(lifecycle.map((e) => e.action)).toEqual(['create', 'start', 'die', 'destroy']);
      expect(lifecycle.every((e) => e.id === id && e.type === 'container' && e.attributes.name === name)).toBe(true);
      expect(lifecycle[2]?.attributes.exitCode).toBe('2');
      expect(seen.every((e) => e.id === id)).toBe(true);
      // Narrowed by action too: only the die.
      const watch = new AbortController();
      const stop = setTimeout(() => watch.abort(), 15_000);
      const dies: EngineEvent[] = [];
      for await (const e of s.engine.events(
        { since, labels: [`watched=${s.name('w')}`], actions: ['die'] },
        watch.signal,
      )) {
        dies.push(e);
        break;
      }
      clearTimeout(stop);
      expect(dies.map((e) => [e.action, e.attributes.exitCode])).toEqual([['die', '2']]);
    }));

  it('exec: output by stream and the exit code; in a stopped container a "conflict"; an unknown exec "not-found"', () =>
    withSession(connect, async (s) => {
      const name = s.name('exec');
      await s.create(name, ['sleep', '1000']);
      await expect(s.engine.exec.create(name, { cmd: ['true'] })).rejects.toMatchObject({ kind: 'conflict' });
      await s.engine.containers.start(name);
      const { id } = await s.engine.exec.create(name, {
        cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'],
        attachStdout: true,
        attachStderr: true,
      });
      const stream = await s.engine.exec.start(id, { tty: false });
      const out = { stdout: '', stderr: '' };
      await demultiplex(stream.output, (which, data) => (out[which] += data.toString('utf8')));
      expect(out).toEqual({ stdout: 'out\n', stderr: 'err\n' });
      const done = await until(
        () => s.engine.exec.inspect(id),
        (d) => !d.running,
      );
      expect(done).toMatchObject({ running: false, exitCode: 3 });
      await expect(s.engine.exec.inspect('0123456789abcdef0123456789abcdef')).rejects.toMatchObject({
        kind: 'not-found',
      });
      await s.engine.containers.kill(name);
    }));

  it('archive: put a tar into a folder, stat the file and the folder, get it back; missing paths', () =>
    withSession(connect, async (s) => {
      const name = s.name('files');
      await s.create(name, ['sleep', '1000']);
      await s.engine.containers.start(name);
      await s.engine.containers.putArchive(name, '/tmp', await tarOf({ 'hello.txt': 'hi there\n' }));
      expect(await s.engine.containers.statPath(name, '/tmp/hello.txt')).toMatchObject({ name: 'hello.txt', size: 9 });
      expect(isDirMode((await s.engine.containers.statPath(name, '/tmp'))?.mode ?? 0)).toBe(true);
      const got = await s.engine.containers.getArchive(name, '/tmp/hello.txt');
      expect(got.stat).toMatchObject({ name: 'hello.txt', size: 9 });
      expect(await filesOf(got.tar)).toEqual({ 'hello.txt': 'hi there\n' });
      expect(await s.engine.containers.statPath(name, '/tmp/missing')).toBeUndefined();
      await expect(s.engine.containers.getArchive(name, '/tmp/missing')).rejects.toMatchObject({ kind: 'not-found' });
      await expect(
        s.engine.containers.putArchive(name, '/no-such-dir', await tarOf({ 'x.txt': 'x' })),
      ).rejects.toMatchObject({ kind: 'not-found' });
      await s.engine.containers.kill(name);
    }));
}
