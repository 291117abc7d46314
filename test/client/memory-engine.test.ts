// The in-memory engine's own promises, beyond the contract it shares with berthd and dockerd: deterministic
// ids and times, the list of changing calls, and the test API (health, exits, output) that stands in for what
// a real engine decides by itself.
import { describe, expect, it } from 'vitest';
import type { ContainerCreate } from '../../src/client/types.js';
import { memoryEngine } from '../../src/client/memory/memory-engine.js';
import { observeProject } from '../../src/client/observe.js';

const web = (extra: Partial<ContainerCreate['body']> = {}): ContainerCreate => ({
  name: 'web-1',
  body: { Image: 'busybox', Cmd: ['sleep', '1000'], Labels: { app: 'web' }, HostConfig: {}, ...extra },
});

describe('the in-memory engine', () => {
  it('two engines given the same calls give the same ids, times and events', async () => {
    const run = async () => {
      const engine = memoryEngine({ images: ['busybox'] });
      const { id } = await engine.containers.create(web());
      await engine.containers.start(id);
      const details = await engine.containers.inspect(id);
      return { id, created: details?.created, startedAt: details?.state.startedAt };
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    expect(a.created).toMatch(/^2024-01-01T00:00:00\.\d{3}Z$/);
  });

  it('records every changing call in order, and no read: an unchanged up can be shown to make none', async () => {
    const engine = memoryEngine({ images: { 'busybox:latest': {} } });
    expect(engine.calls).toEqual([]);
    await engine.networks.create({ name: 'p_default' });
    await engine.containers.create(web({ HostConfig: { NetworkMode: 'p_default' } }));
    await engine.containers.start('web-1');
    const before = engine.calls.length;
    await engine.containers.list({ all: true, labels: ['app=web'] });
    await engine.containers.inspect('web-1');
    await engine.networks.inspect('p_default');
    await engine.images.inspect('busybox');
    await engine.containers.start('web-1'); // already running: not-modified, no change
    expect(engine.calls.slice(before)).toEqual([]);
    expect(engine.calls).toEqual([
      { op: 'networks.create', target: 'p_default' },
      { op: 'containers.create', target: 'web-1' },
      { op: 'containers.start', target: 'web-1' },
    ]);
  });

  it('setHealth changes the health inspect and list show, with a health_status event', async () => {
    const engine = memoryEngine({ images: ['busybox'] });
    const hc = { Test: ['CMD', 'true'] };
    await engine.containers.create(web({ Healthcheck: hc }));
    await engine.containers.start('web-1');
    const since = String(Date.parse('2024-01-01T00:00:00Z') / 1000);
    const ac = new AbortController();
    engine.setHealth('web-1', 'healthy');
    expect((await engine.containers.inspect('web-1'))?.state.health?.status).toBe('healthy');
    expect((await engine.containers.list())[0]?.status).toBe('Up (healthy)');
    const actions: string[] = [];
    for await (const e of engine.events({ since, actions: ['health_status: healthy'] }, ac.signal)) {
      actions.push(e.action);
      ac.abort();
    }
    expect(actions).toEqual(['health_status: healthy']);
  });

  it('exit ends a running container with its code; the restart policy brings it back with a count', async () => {
    const engine = memoryEngine({ images: ['busybox'], restartDelayMs: 0 });
    await engine.containers.create(web({ HostConfig: { RestartPolicy: { Name: 'always' } } }));
    await engine.containers.start('web-1');
    const waited = engine.containers.wait('web-1', { condition: 'next-exit' });
    engine.exit('web-1', 7);
    expect(await waited).toEqual({ exitCode: 7 });
    expect((await engine.containers.inspect('web-1'))?.state.status).toBe('restarting');
    await new Promise((r) => setTimeout(r, 10));
    expect(await engine.containers.inspect('web-1')).toMatchObject({ restartCount: 1, state: { status: 'running' } });
    await engine.containers.stop('web-1');
    expect(await engine.containers.inspect('web-1')).toMatchObject({ restartCount: 1, state: { exitCode: 137 } });
  });

  it('log adds output that logs and a following reader see, in order', async () => {
    const engine = memoryEngine({ images: ['busybox'] });
    await engine.containers.create(web({ Cmd: ['sh', '-c', 'echo first; sleep 1000'] }));
    await engine.containers.start('web-1');
    const followed: string[] = [];
    const reader = (async () => {
      for await (const c of engine.containers.logs('web-1', { follow: true })) followed.push(c.data.toString());
    })();
    engine.log('web-1', 'stderr', 'second\nthird\n');
    await engine.containers.kill('web-1');
    await reader;
    expect(followed).toEqual(['first\n', 'second\n', 'third\n']);
  });

  it('a second removal while one is under way is a conflict, as dockerd answers it', async () => {
    const engine = memoryEngine({ images: ['busybox'] });
    await engine.containers.create(web());
    const [first, second] = await Promise.allSettled([
      engine.containers.remove('web-1'),
      engine.containers.remove('web-1'),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { kind: 'conflict', code: 'ENGINE_CONFLICT' } });
  });

  it('a pull is recorded and adds the image; with a registry given, an image it lacks is not-found', async () => {
    const engine = memoryEngine({ registry: { 'redis:7': { config: { Cmd: ['redis-server'] } } } });
    await engine.images.pull('redis:7');
    expect((await engine.images.inspect('redis:7'))?.config).toEqual({ Cmd: ['redis-server'] });
    await expect(engine.images.pull('nginx')).rejects.toMatchObject({ kind: 'not-found' });
    expect(engine.calls).toEqual([
      { op: 'images.pull', target: 'redis:7' },
      { op: 'images.pull', target: 'nginx:latest' },
    ]);
  });

  it("distribution names a registry tag's manifest digest, another once the tag moves, and not-found for none", async () => {
    const before = memoryEngine({ registry: { 'redis:7': { config: { Cmd: ['redis-server'] } } } });
    const after = memoryEngine({ registry: { 'redis:7': { config: { Cmd: ['redis-server', '--v2'] } } } });
    const a = await before.images.distribution('redis:7');
    expect(a.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.platforms).toEqual([{ os: 'linux', architecture: 'amd64' }]);
    expect((await after.images.distribution('redis:7')).digest).not.toBe(a.digest);
    await expect(before.images.distribution('nginx:1')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('serves the observation the planner plans against: a project found by its Compose labels', async () => {
    const engine = memoryEngine({ images: ['busybox'] });
    const compose = (service: string) => ({
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': service,
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.config-hash': `hash-${service}`,
    });
    await engine.networks.create({ name: 'shop_default', labels: { 'com.docker.compose.project': 'shop' } });
    await engine.containers.create({ ...web(), name: 'shop-web-1', body: { ...web().body, Labels: compose('web') } });
    await engine.containers.create({ ...web(), name: 'other-db-1', body: { ...web().body, Labels: {} } });
    await engine.containers.start('shop-web-1');
    const observed = await observeProject(engine, 'shop');
    expect(observed.containers).toMatchObject([
      { name: 'shop-web-1', service: 'web', number: 1, configHash: 'hash-web', state: 'running' },
    ]);
    expect(observed.networks.map((n) => n.name)).toEqual(['shop_default']);
  });
});
