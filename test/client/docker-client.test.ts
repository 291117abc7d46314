// The Docker Engine API client against a berthd of its own and against Debian's dockerd: the EngineClient
// obligations that only an engine over a socket can break (kinds from statuses, berthd's code and hint from its
// error bodies, streams), the same on both engines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerEngineClient } from '../../src/client/docker/client.js';
import type { EngineClient } from '../../src/client/types.js';
import type { Engine, EngineName } from '../cli/engines.js';
import { hasDockerd, startEngine } from '../cli/engines.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';

const names: EngineName[] = hasDockerd ? ['berthd', 'dockerd'] : ['berthd'];

describe.each(names)('the Docker Engine API client against %s', (engineName) => {
  const tag = `client-${engineName}-${process.pid}`;
  const image = `${tag}/busybox:1`;
  let dir: string;
  let daemon: Engine;
  let engine: EngineClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-client-'));
    daemon = await startEngine(engineName, dir);
    engine = dockerEngineClient(daemon.socket);
    await engine.images.load(Readable.from([await makeBusyboxSaveTar({ tags: [image] })]));
  }, 60_000);

  afterAll(async () => {
    try {
      for (const c of await engine.containers.list({ all: true, labels: [`test=${tag}`] }))
        await engine.containers.remove(c.id, { force: true });
      for (const n of await engine.networks.list({ labels: [`test=${tag}`] })) await engine.networks.remove(n.id);
      for (const v of await engine.volumes.list({ labels: [`test=${tag}`] })) await engine.volumes.remove(v.name);
    } finally {
      engine?.close();
      await daemon?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  const create = (name: string, cmd: string[], extra: Record<string, unknown> = {}) =>
    engine.containers.create({
      name,
      body: { Image: image, Cmd: cmd, Labels: { test: tag }, HostConfig: { NetworkMode: 'none' }, ...extra },
    });

  it('removing, starting or inspecting an unknown container: not-found, and inspect resolves undefined', async () => {
    await expect(engine.containers.remove(`${tag}-ghost`)).rejects.toMatchObject({
      kind: 'not-found',
      name: 'EngineError',
    });
    await expect(engine.containers.start(`${tag}-ghost`)).rejects.toMatchObject({ kind: 'not-found' });
    expect(await engine.containers.inspect(`${tag}-ghost`)).toBeUndefined();
    expect(await engine.images.inspect(`${tag}/none:1`)).toBeUndefined();
    expect(await engine.networks.inspect(`${tag}-none`)).toBeUndefined();
    expect(await engine.volumes.inspect(`${tag}-none`)).toBeUndefined();
  });

  it('a second create with a name in use must fail with kind "conflict"', async () => {
    await create(`${tag}-twice`, ['true']);
    await expect(create(`${tag}-twice`, ['true'])).rejects.toMatchObject({ kind: 'conflict' });
  });

  it.runIf(engineName === 'berthd')("must pass berthd's own code and hint to the caller", async () => {
    const made = create(`${tag}-caps`, ['true'], {
      HostConfig: { NetworkMode: 'none', CapAdd: ['BOGUS'] },
    }).then(({ id }) => engine.containers.start(id));
    await expect(made).rejects.toMatchObject({
      kind: 'invalid',
      code: 'ENGINE_UNKNOWN_CAPABILITY',
      hint: 'use a name from capabilities(7), such as NET_ADMIN',
    });
  });

  it('runs a container: start twice succeeds, wait gives the exit code, logs come by stream', async () => {
    const { id } = await create(`${tag}-run`, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    let waiting = false;
    const exit = engine.containers.wait(id, { condition: 'next-exit', onWaiting: () => (waiting = true) });
    await engine.containers.start(id);
    expect(await exit).toEqual({ exitCode: 3, error: undefined });
    expect(waiting).toBe(true);
    const chunks: string[] = [];
    for await (const c of engine.containers.logs(id)) chunks.push(`${c.stream}:${c.data.toString()}`);
    expect(chunks.sort()).toEqual(['stderr:err\n', 'stdout:out\n']);
    const details = await engine.containers.inspect(id);
    expect(details).toMatchObject({ id, name: `${tag}-run`, state: { status: 'exited', exitCode: 3 } });
    expect(details?.config.Labels).toMatchObject({ test: tag });
    const [listed] = await engine.containers.list({ all: true, names: [`${tag}-run`] });
    expect(listed).toMatchObject({ id, name: `${tag}-run`, state: 'exited', labels: { test: tag } });
  });

  it('exec: output through the hijacked stream and the exit code by inspect; start and stop are idempotent', async () => {
    const { id } = await create(`${tag}-exec`, ['sleep', '300']);
    await engine.containers.start(id);
    await engine.containers.start(id); // not-modified is swallowed
    const ex = await engine.exec.create(id, { cmd: ['sh', '-c', 'echo hi; exit 5'], attachStdout: true, tty: true });
    const stream = await engine.exec.start(ex.id, { tty: true });
    let out = '';
    for await (const c of stream.output) out += String(c);
    expect(out).toContain('hi');
    expect(await engine.exec.inspect(ex.id)).toMatchObject({ running: false, exitCode: 5, containerId: id });
    await engine.containers.stop(id, { timeoutSeconds: 0 });
    await engine.containers.stop(id, { timeoutSeconds: 0 });
    expect((await engine.containers.inspect(id))?.state.running).toBe(false);
  });

  it('networks and volumes: create, list by label, conflict on a name in use, remove', async () => {
    await engine.networks.create({ name: `${tag}-net`, labels: { test: tag } });
    await expect(engine.networks.create({ name: `${tag}-net`, labels: { test: tag } })).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect((await engine.networks.list({ labels: [`test=${tag}`] })).map((n) => n.name)).toEqual([`${tag}-net`]);
    await engine.networks.remove(`${tag}-net`);
    await expect(engine.networks.remove(`${tag}-net`)).rejects.toMatchObject({ kind: 'not-found' });
    const v = await engine.volumes.create({ name: `${tag}-vol`, labels: { test: tag } });
    expect(v).toMatchObject({ name: `${tag}-vol`, driver: 'local', labels: { test: tag } });
    expect((await engine.volumes.list({ names: [`${tag}-vol`] })).map((x) => x.name)).toEqual([`${tag}-vol`]);
    await engine.volumes.remove(`${tag}-vol`);
    await expect(engine.volumes.remove(`${tag}-vol`)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('an engine that does not answer: kind "unavailable", ENGINE_UNREACHABLE', async () => {
    await using gone = dockerEngineClient(join(dir, 'nothing.sock'));
    await expect(gone.containers.list()).rejects.toMatchObject({ kind: 'unavailable', code: 'ENGINE_UNREACHABLE' });
  });

  it('info says whether the engine is berthd', async () => {
    expect(await engine.info()).toMatchObject({ isBerthd: engineName === 'berthd', os: 'linux' });
  });
});
