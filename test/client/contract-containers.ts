// The EngineClient contract for containers: kinds of failures, unique names, the lifecycle's idempotent ends,
// removal races, list filters, wait conditions, exit codes, logs, rename and restart counts.
import { expect, it } from 'vitest';
import type { Connect } from './contract-session.js';
import { collect, IMAGE, LABEL, until, withSession } from './contract-session.js';

const GHOST = 'berth-contract-ghost-container';

export function containerContract(connect: Connect): void {
  it('an unknown container: inspect gives undefined, every other call fails with kind "not-found"', () =>
    withSession(connect, async ({ engine }) => {
      expect(await engine.containers.inspect(GHOST)).toBeUndefined();
      const notFound = { kind: 'not-found', name: 'EngineError' };
      await expect(engine.containers.start(GHOST)).rejects.toMatchObject(notFound);
      await expect(engine.containers.stop(GHOST, { timeoutSeconds: 0 })).rejects.toMatchObject(notFound);
      await expect(engine.containers.kill(GHOST)).rejects.toMatchObject(notFound);
      await expect(engine.containers.remove(GHOST)).rejects.toMatchObject(notFound);
      await expect(engine.containers.wait(GHOST)).rejects.toMatchObject(notFound);
      await expect(engine.containers.rename(GHOST, `${GHOST}-2`)).rejects.toMatchObject(notFound);
    }));

  it('a second create with a name in use must fail with kind "conflict"; an unknown image is "not-found"', () =>
    withSession(connect, async (s) => {
      const name = s.name('twice');
      const id = await s.create(name, ['true']);
      await expect(s.create(name, ['true'])).rejects.toMatchObject({ kind: 'conflict' });
      expect((await s.engine.containers.inspect(name))?.id).toBe(id);
      await expect(
        s.engine.containers.create({
          name: s.name('noimage'),
          body: { Image: 'berth-contract/no-such-image:1', HostConfig: { NetworkMode: 'none' } },
        }),
      ).rejects.toMatchObject({ kind: 'not-found' });
      await expect(s.create('-bad name-', ['true'])).rejects.toMatchObject({ kind: 'invalid' });
    }));

  it('start of a running container and stop of a stopped (or never started) one succeed', () =>
    withSession(connect, async (s) => {
      const name = s.name('idem');
      await s.create(name, ['sleep', '1000']);
      await s.engine.containers.stop(name, { timeoutSeconds: 0 });
      await s.engine.containers.start(name);
      await s.engine.containers.start(name);
      expect((await s.engine.containers.inspect(name))?.state).toMatchObject({ status: 'running', running: true });
      await s.engine.containers.stop(name, { timeoutSeconds: 0 });
      await s.engine.containers.stop(name, { timeoutSeconds: 0 });
      expect((await s.engine.containers.inspect(name))?.state).toMatchObject({ status: 'exited', running: false });
    }));

  it('a command that exits gives its exit code to wait and inspect; kill ends with 137; kill of a stopped one is a "conflict"', () =>
    withSession(connect, async (s) => {
      const three = s.name('three');
      await s.create(three, ['sh', '-c', 'exit 3']);
      const waited = s.engine.containers.wait(three, { condition: 'next-exit' });
      await s.engine.containers.start(three);
      expect((await waited).exitCode).toBe(3);
      expect((await s.engine.containers.inspect(three))?.state).toMatchObject({ status: 'exited', exitCode: 3 });

      const sleeper = s.name('killed');
      await s.create(sleeper, ['sleep', '1000']);
      await s.engine.containers.start(sleeper);
      await s.engine.containers.kill(sleeper, 'SIGKILL');
      expect((await s.engine.containers.wait(sleeper)).exitCode).toBe(137);
      await expect(s.engine.containers.kill(sleeper)).rejects.toMatchObject({ kind: 'conflict' });
    }));

  it('removing a running container is a "conflict"; with force it goes; then it is "not-found"', () =>
    withSession(connect, async (s) => {
      const name = s.name('running');
      await s.create(name, ['sleep', '1000']);
      await s.engine.containers.start(name);
      await expect(s.engine.containers.remove(name)).rejects.toMatchObject({ kind: 'conflict' });
      await s.engine.containers.remove(name, { force: true });
      expect(await s.engine.containers.inspect(name)).toBeUndefined();
      await expect(s.engine.containers.remove(name)).rejects.toMatchObject({ kind: 'not-found' });
    }));

  it('two removals at once: one removes, the other meets a removal under way ("conflict") or its end ("not-found")', () =>
    withSession(connect, async (s) => {
      const name = s.name('race');
      await s.create(name, ['true']);
      const results = await Promise.allSettled([s.engine.containers.remove(name), s.engine.containers.remove(name)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failed = results.find((r) => r.status === 'rejected');
      expect(['conflict', 'not-found']).toContain((failed?.reason as { kind?: string }).kind);
      expect(await s.engine.containers.inspect(name)).toBeUndefined();
    }));

  it('list shows running containers, with `all` stopped ones too, narrowed by labels ("key", "key=value") and exact names', () =>
    withSession(connect, async (s) => {
      const [up, down] = [s.name('up'), s.name('down')];
      await s.create(up, ['sleep', '1000'], { Labels: { role: 'a' } });
      await s.create(down, ['true'], { Labels: { role: 'b' } });
      await s.engine.containers.start(up);
      const mine = `${LABEL}=${s.label[LABEL]}`;
      const names = async (f: Parameters<typeof s.engine.containers.list>[0]): Promise<string[]> =>
        (await s.engine.containers.list(f)).map((c) => c.name).sort();
      expect(await names({ labels: [mine] })).toEqual([up]);
      expect(await names({ labels: [mine], all: true })).toEqual([down, up].sort());
      expect(await names({ labels: [mine, 'role=b'], all: true })).toEqual([down]);
      expect(await names({ labels: [mine, 'role'], all: true })).toEqual([down, up].sort());
      expect(await names({ labels: [mine, 'role=c'], all: true })).toEqual([]);
      // "…-up" is a part of no other name, but "…-down"'s prefix is shared: names match whole.
      expect(await names({ names: [down.slice(0, -1)], all: true })).toEqual([]);
      expect(await names({ names: [down], all: true })).toEqual([down]);
      const [summary] = await s.engine.containers.list({ names: [up] });
      expect(summary).toMatchObject({ name: up, image: IMAGE, state: 'running', labels: { role: 'a' } });
    }));

  it('wait: "not-running" on a stopped container resolves at once, "next-exit" waits for the next exit, "removed" for the removal', () =>
    withSession(connect, async (s) => {
      const name = s.name('wait');
      await s.create(name, ['sh', '-c', 'exit 5']);
      expect(await s.engine.containers.wait(name)).toMatchObject({ exitCode: 0 });
      let waiting = false;
      const next = s.engine.containers.wait(name, { condition: 'next-exit', onWaiting: () => (waiting = true) });
      await until(async () => waiting, Boolean);
      await s.engine.containers.start(name);
      expect((await next).exitCode).toBe(5);
      expect((await s.engine.containers.wait(name)).exitCode).toBe(5);
      let removed = false;
      const gone = s.engine.containers.wait(name, { condition: 'removed' }).then((r) => ((removed = true), r));
      await new Promise((r) => setTimeout(r, 100));
      expect(removed).toBe(false);
      await s.engine.containers.remove(name);
      expect((await gone).exitCode).toBe(5);
    }));

  it('logs keep each stream in order, select streams, and take the last lines with tail', () =>
    withSession(connect, async (s) => {
      const name = s.name('logs');
      await s.create(name, ['sh', '-c', 'echo 1; echo e1 >&2; echo 2; echo e2 >&2; echo 3']);
      await s.engine.containers.start(name);
      await s.engine.containers.wait(name);
      expect(await collect(s.engine.containers.logs(name))).toEqual({ stdout: '1\n2\n3\n', stderr: 'e1\ne2\n' });
      expect(await collect(s.engine.containers.logs(name, { stderr: false }))).toEqual({
        stdout: '1\n2\n3\n',
        stderr: '',
      });
      // tail counts the lines of both streams, and which of two lines written to two pipes comes first is up
      // to the engine's readers: the tail is taken of a container that writes one stream only.
      const one = s.name('tail');
      await s.create(one, ['sh', '-c', 'echo 1; echo 2; echo 3']);
      await s.engine.containers.start(one);
      await s.engine.containers.wait(one);
      expect((await collect(s.engine.containers.logs(one, { tail: 2 }))).stdout).toBe('2\n3\n');
      const stamped = await collect(s.engine.containers.logs(name, { stderr: false, timestamps: true }));
      expect(stamped.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z 1\n/);
    }));

  it('rename: the new name finds the container and the old one does not; a name in use is a "conflict"', () =>
    withSession(connect, async (s) => {
      const [a, b, taken] = [s.name('a'), s.name('b'), s.name('taken')];
      const id = await s.create(a, ['true']);
      await s.create(taken, ['true']);
      await s.engine.containers.rename(a, b);
      expect((await s.engine.containers.inspect(b))?.id).toBe(id);
      expect(await s.engine.containers.inspect(a)).toBeUndefined();
      await expect(s.engine.containers.rename(b, taken)).rejects.toMatchObject({ kind: 'conflict' });
    }));

  it('a failing container with restart policy on-failure:2 is restarted twice, then stays exited', () =>
    withSession(connect, async (s) => {
      const name = s.name('restarts');
      await s.create(name, ['sh', '-c', 'exit 4'], {
        HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } },
      });
      await s.engine.containers.start(name);
      const done = await until(
        () => s.engine.containers.inspect(name),
        (d) => d?.restartCount === 2 && d.state.status === 'exited',
      );
      expect(done).toMatchObject({ restartCount: 2, state: { status: 'exited', exitCode: 4 } });
    }));

  it('a container with a health check is "starting" until its first check', () =>
    withSession(connect, async (s) => {
      const name = s.name('health');
      const minute = 60_000_000_000;
      await s.create(name, ['sleep', '1000'], { Healthcheck: { Test: ['CMD', 'true'], Interval: minute } });
      await s.engine.containers.start(name);
      expect((await s.engine.containers.inspect(name))?.state.health?.status).toBe('starting');
      expect((await s.engine.containers.list({ names: [name] }))[0]?.status).toMatch(/^Up.*\(health: starting\)$/);
      await s.engine.containers.kill(name);
    }));
}
