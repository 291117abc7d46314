// The network sweep (berthd's start and stop, and network removal): what no running container owns under this data
// root goes (its records and namespace mounts), a running container's network stays, another data root's namespaces
// are not touched, and a second sweep finds nothing. Real namespaces (unshare + bind mounts); needs root.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContainerStore, newState } from '../../../src/engine/containers/container-store.js';
import { EventBus } from '../../../src/engine/events/event-bus.js';
import type { ContainerNetworking } from '../../../src/engine/networks/container-networking.js';
import { openNetworking } from '../../../src/engine/networks/open-networking.js';
import { createNetns, removeNetns } from '../../../src/engine/networks/host-net.js';

const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['--version']).status === 0;

const mountsUnder = (dir: string): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${dir}/`));

const id = (n: number): string => `${n}`.padStart(64, 'c');

describe.runIf(canUnshare)('network sweep', () => {
  const dirs: string[] = [];
  const opened: ContainerNetworking[] = [];

  async function open(): Promise<{ root: string; containers: ContainerStore; networking: ContainerNetworking }> {
    const root = mkdtempSync(join(tmpdir(), 'berth-sweep-'));
    dirs.push(root);
    const containers = ContainerStore.open(root);
    const networking = await openNetworking({ root, containers, events: new EventBus(), log: () => undefined });
    opened.push(networking);
    return { root, containers, networking };
  }

  afterAll(async () => {
    for (const n of opened) {
      for (const f of readdirSync(join(n.service.store.dir, 'netns'))) await removeNetns(n.service.store.netnsPath(f));
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("removes records and namespaces no running container owns, keeps a running one's, never another root's", async () => {
    const a = await open();
    const b = await open();
    const store = a.networking.service.store;
    // A namespace mounted with no record (as a berthd without write-ahead records left them).
    await createNetns(store.netnsPath(id(1)));
    // A record and its namespace for a container that does not run (a start a crash cut short).
    await store.saveActive({ containerId: id(2), netns: store.netnsPath(id(2)), endpoints: [], published: [] });
    await createNetns(store.netnsPath(id(2)));
    // A running container's.
    await a.containers.save({
      id: id(3),
      name: 'running',
      created: new Date().toISOString(),
      image: 'x',
      imageId: 'x',
      config: {},
      hostConfig: {},
      state: { ...newState(), Status: 'running', Running: true, Pid: 1 },
      restartCount: 0,
    });
    await store.saveActive({ containerId: id(3), netns: store.netnsPath(id(3)), endpoints: [], published: [] });
    await createNetns(store.netnsPath(id(3)));
    // Another data root's stray namespace.
    const other = b.networking.service.store.netnsPath(id(4));
    await createNetns(other);

    expect(await a.networking.sweep()).toEqual([id(2)]);
    expect(store.allActive().map((x) => x.containerId)).toEqual([id(3)]);
    expect(readdirSync(join(store.dir, 'netns'))).toEqual([id(3)]);
    expect(mountsUnder(a.root)).toEqual([store.netnsPath(id(3))]);
    expect(existsSync(join(store.dir, 'active', `${id(2)}.json`))).toBe(false);
    expect(mountsUnder(b.root)).toEqual([other]);

    expect(await a.networking.sweep()).toEqual([]); // idempotent
    expect(mountsUnder(a.root)).toEqual([store.netnsPath(id(3))]);
  });
});
