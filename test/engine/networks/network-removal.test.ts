// A network's removal answers once the network is gone for clients, and its bridge, isolation entry and rules go in
// a section queued right behind it (network-service.ts): what comes after (a create of the same name and subnet)
// still finds them gone; the record, flagged, is on disk until they are, so a start after a crash finishes the
// teardown; berthd's stop waits for it. Real bridges, nft and iptables on TEST-NET subnets; needs root.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/engine/events/event-bus.js';
import { isolatedBridges } from '../../../src/engine/networks/isolation.js';
import { NetworkService } from '../../../src/engine/networks/network-service.js';
import type { NetworkRecord } from '../../../src/engine/networks/types.js';

const hasTools =
  process.getuid?.() === 0 &&
  ['nft', 'iptables-save'].every((t) => spawnSync(t, ['--version']).status === 0) &&
  spawnSync('ip', ['-V']).status === 0;

const tag = `rmv${process.pid % 100000}`;
const dirs: string[] = [];
const made: NetworkService[] = [];

function service(root?: string): NetworkService {
  const dir = root ?? mkdtempSync(join(tmpdir(), 'berth-netrm-'));
  if (!root) dirs.push(dir);
  const s = new NetworkService({ root: dir, events: new EventBus(), hostLock: join(dir, 'host.lock') });
  made.push(s);
  return s;
}

const linkExists = (name: string): boolean => spawnSync('ip', ['link', 'show', name]).status === 0;
const rulesOf = (subnet: string): string[] =>
  spawnSync('iptables-save')
    .stdout.toString()
    .split('\n')
    .filter((l) => l.includes(subnet));
const onDisk = (s: NetworkService): NetworkRecord[] =>
  JSON.parse(readFileSync(join(s.store.dir, 'networks.json'), 'utf8')) as NetworkRecord[];

afterAll(async () => {
  // whatever a failed assertion left: each network of these services removed, then their folders
  for (const s of made) {
    for (const n of s.store.all()) if (n.name.startsWith(tag)) await s.remove(n.id, () => []).catch(() => undefined);
    await s.finishRemovals();
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.runIf(hasTools)('removing a network', () => {
  it('answers before the teardown, which comes right after; stop waits for it', async () => {
    const s = service();
    const events: string[] = [];
    s.events.subscribe((e) => events.push(`${e.Type} ${e.Action}`));
    const n = await s.create({ Name: `${tag}-a`, IPAM: { Config: [{ Subnet: '198.18.41.0/24' }] } });
    const bridge = n.bridge as string;
    expect(linkExists(bridge)).toBe(true);
    expect(rulesOf('198.18.41.0/24').length).toBeGreaterThan(0);
    expect(await isolatedBridges()).toContain(bridge);

    await s.remove(n.id, () => []);
    // gone for clients at once, kept on disk, flagged, until its bridge and rules are gone
    expect(s.store.find(`${tag}-a`)).toBeUndefined();
    expect(s.store.all().map((x) => x.id)).not.toContain(n.id);
    expect(onDisk(s).find((x) => x.id === n.id)?.removing).toBe(true);
    expect(events).toEqual(['network create', 'network destroy']);
    expect(linkExists(bridge)).toBe(true);

    await s.removalsEnded();
    expect(linkExists(bridge)).toBe(false);
    expect(rulesOf('198.18.41.0/24')).toEqual([]);
    expect(await isolatedBridges()).not.toContain(bridge);
    expect(onDisk(s).map((x) => x.id)).not.toContain(n.id);
  });

  it('a create of the same name and subnet right after the removal finds the old one gone, and keeps its own', async () => {
    const s = service();
    const subnet = '198.18.42.0/24';
    const old = await s.create({ Name: `${tag}-b`, IPAM: { Config: [{ Subnet: subnet }] } });
    const kept = rulesOf(subnet);
    await s.remove(old.id, () => []);
    const again = await s.create({ Name: `${tag}-b`, IPAM: { Config: [{ Subnet: subnet }] } });
    expect(again.id).not.toBe(old.id);
    expect(linkExists(old.bridge as string)).toBe(false);
    expect(linkExists(again.bridge as string)).toBe(true);
    // the old teardown ran before the create: the rules of the new network are whole, not removed under it
    expect(rulesOf(subnet)).toEqual(kept);
    await s.remove(again.id, () => []);
    await s.removalsEnded();
    expect(rulesOf(subnet)).toEqual([]);
  });

  it('a removal that a crash cut short is finished at the next start of the data root', async () => {
    const s = service();
    const subnet = '198.18.43.0/24';
    const n = await s.create({ Name: `${tag}-c`, IPAM: { Config: [{ Subnet: subnet }] } });
    // what a crash right after the removal's answer leaves: the record flagged on disk, the bridge and rules up
    await s.store.markRemoving(n);
    expect(linkExists(n.bridge as string)).toBe(true);

    const after = service(s.store.dir.replace(/\/networks$/, ''));
    expect(after.store.find(`${tag}-c`)).toBeUndefined();
    expect(after.store.removing().map((x) => x.id)).toEqual([n.id]);
    await after.finishRemovals();
    expect(linkExists(n.bridge as string)).toBe(false);
    expect(rulesOf(subnet)).toEqual([]);
    expect(after.store.removing()).toEqual([]);
    expect(onDisk(after).map((x) => x.id)).not.toContain(n.id);
  });
});
