// A container that exits by itself is seen as exited before berthd has let go of its process (runc state, mounts,
// network endpoint) and announced `die`. A removal asked for in that moment waits for the exit to be recorded, as
// dockerd's container lock makes it wait: its events are create, start, die, destroy, in that order, every time.
// And a wait for "not-running" returns once the exit is recorded, so the network is free by then (as on dockerd,
// which lets go of the network before it marks the container stopped).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../../src/engine/daemon/berthd.js';
import { RawEngineApi, filters } from '../../client/raw-engine-api.js';
import { makeBusyboxSaveTar } from '../fixtures/busybox-image.js';

const run = promisify(execFile);
const ready = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

describe.runIf(ready)('removing a container the moment it is seen exited', () => {
  let dir: string;
  let daemon: Berthd;
  let api: RawEngineApi;
  const tag = `berth-exitrm-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const net = `${tag}-n`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-exitrm-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    api = new RawEngineApi(daemon.socket);
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` },
    });
    // On a bridge network, letting go of the endpoint (netavark teardown) takes long enough to be caught.
    await api.call('POST', '/networks/create', { body: { Name: net } });
  }, 120_000);

  afterAll(async () => {
    await api?.call('DELETE', `/networks/${net}`).catch(() => undefined);
    await api?.call('DELETE', `/images/${image}`).catch(() => undefined);
    api?.close();
    await daemon?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('gets create, start, die and destroy in order, with die before destroy', async () => {
    for (let round = 0; round < 6; round++) {
      const since = String(Math.floor(Date.now() / 1000) - 1);
      const label = `${tag}-${round}`;
      const { Id: id } = await api.call<{ Id: string }>('POST', '/containers/create', {
        query: { name: label },
        body: {
          Image: image,
          Cmd: ['sh', '-c', 'exit 3'],
          Labels: { round: label },
          HostConfig: { NetworkMode: net },
        },
      });
      await api.call('POST', `/containers/${id}/start`);
      for (;;) {
        const s = await api.call<{ State: { Status: string } }>('GET', `/containers/${id}/json`);
        if (s.State.Status === 'exited') break;
      }
      await api.call('DELETE', `/containers/${id}`);
      const until = String(Math.floor(Date.now() / 1000) + 1);
      const text = await api.call<string>('GET', '/events', {
        query: { since, until, filters: filters({ label: [`round=${label}`], type: ['container'] }) },
      });
      const actions = String(text)
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => (JSON.parse(l) as { Action: string }).Action);
      expect(actions, `round ${round}`).toEqual(['create', 'start', 'die', 'destroy']);
    }
  }, 120_000);

  it('a wait returns once the network is let go: the network then lists no container', async () => {
    for (let round = 0; round < 6; round++) {
      const { Id: id } = await api.call<{ Id: string }>('POST', '/containers/create', {
        query: { name: `${tag}-w${round}` },
        body: { Image: image, Cmd: ['sh', '-c', 'exit 3'], HostConfig: { NetworkMode: net } },
      });
      await api.call('POST', `/containers/${id}/start`);
      // Seen exited first, so that the wait comes while berthd may still be letting go of the network.
      for (;;) {
        const s = await api.call<{ State: { Status: string } }>('GET', `/containers/${id}/json`);
        if (s.State.Status === 'exited') break;
      }
      const waited = await api.call<{ StatusCode: number }>('POST', `/containers/${id}/wait`);
      const n = await api.call<{ Containers: Record<string, unknown> }>('GET', `/networks/${net}`);
      expect([waited.StatusCode, Object.keys(n.Containers)], `round ${round}`).toEqual([3, []]);
      await api.call('DELETE', `/containers/${id}`);
    }
  }, 120_000);
});
