// The EngineClient contract for the states between created and removed: pause, restart, top, auto-removal,
// the network a create names, and the events of networks and volumes.
import { expect, it } from 'vitest';
import type { EngineEvent } from '../../src/client/types.js';
import type { Connect, ContractOptions } from './contract-session.js';
import { IMAGE, withSession } from './contract-session.js';

export function stateContract(connect: Connect, opts: ContractOptions): void {
  it('pause and unpause: only a running container pauses, only a paused one unpauses (else "conflict")', () =>
    withSession(connect, async (s) => {
      const name = s.name('pause');
      await s.create(name, ['sleep', '1000']);
      await expect(s.engine.containers.pause(name)).rejects.toMatchObject({ kind: 'conflict' });
      await s.engine.containers.start(name);
      await s.engine.containers.pause(name);
      expect((await s.engine.containers.inspect(name))?.state).toMatchObject({ status: 'paused', paused: true });
      expect((await s.engine.containers.list({ names: [name] }))[0]?.state).toBe('paused');
      await expect(s.engine.containers.start(name)).rejects.toMatchObject({ kind: 'conflict' });
      await s.engine.containers.unpause(name);
      // dockerd 20.10 (daemon/unpause.go) sends "is not paused" as a plain error, so a 500: berthd and the fake
      // answer it as the conflict it is, and the contract takes either.
      const twice = await s.engine.containers.unpause(name).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(['conflict', 'internal']).toContain((twice as { kind?: string } | undefined)?.kind);
      expect(twice).toMatchObject({ message: expect.stringMatching(/is not paused/) });
      expect((await s.engine.containers.inspect(name))?.state).toMatchObject({ status: 'running', paused: false });
      await s.engine.containers.kill(name);
    }));

  it('restart starts a stopped container and restarts a running one, without counting a policy restart', () =>
    withSession(connect, async (s) => {
      const name = s.name('restart');
      await s.create(name, ['sleep', '1000']);
      await s.engine.containers.restart(name, { timeoutSeconds: 0 });
      const first = await s.engine.containers.inspect(name);
      expect(first?.state.status).toBe('running');
      await s.engine.containers.restart(name, { timeoutSeconds: 0 });
      const second = await s.engine.containers.inspect(name);
      expect(second).toMatchObject({ restartCount: 0, state: { status: 'running' } });
      expect(second?.state.pid).not.toBe(first?.state.pid);
      await s.engine.containers.kill(name);
    }));

  it('top lists the processes of a running container; of a stopped one it is a "conflict"', () =>
    withSession(connect, async (s) => {
      const name = s.name('top');
      await s.create(name, ['sleep', '1000']);
      await expect(s.engine.containers.top(name)).rejects.toMatchObject({ kind: 'conflict' });
      await s.engine.containers.start(name);
      const top = await s.engine.containers.top(name);
      expect(top.titles).toContain('PID');
      expect(top.processes.map((p) => p.at(-1))).toContain('sleep 1000');
      await s.engine.containers.kill(name);
    }));

  it('a container with AutoRemove goes when its process ends: wait "removed" resolves, then inspect gives undefined', () =>
    withSession(connect, async (s) => {
      const name = s.name('auto');
      await s.create(name, ['sh', '-c', 'exit 6'], { HostConfig: { NetworkMode: 'none', AutoRemove: true } });
      let waiting = false;
      const removed = s.engine.containers.wait(name, { condition: 'removed', onWaiting: () => (waiting = true) });
      while (!waiting) await new Promise((r) => setTimeout(r, 10));
      await s.engine.containers.start(name);
      expect((await removed).exitCode).toBe(6);
      expect(await s.engine.containers.inspect(name)).toBeUndefined();
    }));

  it('a container on an unknown network is "not-found" at its create (leaving no container) or at its start', () =>
    withSession(connect, async (s) => {
      const name = s.name('lost');
      const created = await s.engine.containers
        .create({ name, body: { Image: IMAGE, Labels: s.label, HostConfig: { NetworkMode: s.name('no-such-net') } } })
        .then(
          () => true,
          (e: unknown) => {
            expect(e).toMatchObject({ kind: 'not-found' });
            return false;
          },
        );
      // dockerd 20.10 looks networks up at the start only (`docker run --network nosuch` fails there); berthd
      // and the fake refuse at the create, as dockerd 23 and later do.
      if (created) await expect(s.engine.containers.start(name)).rejects.toMatchObject({ kind: 'not-found' });
      else expect(await s.engine.containers.inspect(name)).toBeUndefined();
    }));

  it('removing a network a running container uses is refused; once the container stops, it goes', () =>
    withSession(connect, async (s) => {
      const net = s.name('busy');
      await s.engine.networks.create({ name: net, labels: s.label });
      const name = s.name('on-net');
      await s.engine.containers.create({
        name,
        body: { Image: IMAGE, Cmd: ['sleep', '1000'], Labels: s.label, HostConfig: { NetworkMode: net } },
      });
      await s.engine.containers.start(name);
      expect((await s.engine.networks.inspect(net))?.containers).toHaveLength(1);
      const refused = await s.engine.networks.remove(net).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toMatchObject({ name: 'EngineError', message: expect.stringMatching(/active endpoints/) });
      if (!opts.gaps?.includes('forbidden-kind')) expect(refused).toMatchObject({ kind: 'conflict' });
      await s.engine.containers.kill(name);
      await s.engine.containers.wait(name);
      await s.engine.networks.remove(net);
      expect(await s.engine.networks.inspect(net)).toBeUndefined();
    }));

  it('events of networks and volumes: create and destroy, with the name, narrowed by type', () =>
    withSession(connect, async (s) => {
      const since = String(Math.floor(Date.now() / 1000) - 1);
      const [net, vol] = [s.name('ev-net'), s.name('ev-vol')];
      const { id } = await s.engine.networks.create({ name: net, labels: s.label });
      await s.engine.volumes.create({ name: vol, labels: s.label });
      await s.engine.networks.remove(net);
      await s.engine.volumes.remove(vol);
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 15_000);
      const seen: EngineEvent[] = [];
      for await (const e of s.engine.events({ since, types: ['network', 'volume'] }, ac.signal)) {
        if (e.id === id || e.id === vol) seen.push(e);
        if (e.type === 'volume' && e.id === vol && e.action === 'destroy') break;
      }
      clearTimeout(timer);
      expect(seen.map((e) => `${e.type} ${e.action}`)).toEqual([
        'network create',
        'volume create',
        'network destroy',
        'volume destroy',
      ]);
      expect(seen[0]?.attributes).toMatchObject({ name: net });
    }));
}
