// Leaving outside the network lock (leave.ts), as decisions on records: which containers may leave by deleting
// their interfaces, that one leaving counts as gone for every decision while its addresses stay taken, and that
// a network's last container waits for the interfaces of those leaving before netavark removes the rules.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/engine/events/event-bus.js';
import { canLeaveDirectly } from '../../../src/engine/networks/leave.js';
import { NetworkService } from '../../../src/engine/networks/network-service.js';
import type { ActiveContainer, ActiveEndpoint } from '../../../src/engine/networks/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function service(): NetworkService {
  const root = mkdtempSync(join(tmpdir(), 'berth-leave-'));
  dirs.push(root);
  return new NetworkService({ root, events: new EventBus(), hostLock: join(root, 'host.lock') });
}

function endpoint(networkId: string, ip: string, ports: unknown[] = []): ActiveEndpoint {
  return {
    networkId,
    interfaceName: 'eth0',
    endpointId: ip,
    ip,
    prefixLen: 24,
    gateway: '10.1.0.1',
    mac: '02:42:0a:01:00:02',
    aliases: [],
    dnsServers: [],
    netavarkInput: JSON.stringify({ port_mappings: ports }),
  };
}

const container = (id: string, ...endpoints: ActiveEndpoint[]): ActiveContainer => ({
  containerId: id,
  netns: `/nonexistent/${id}`,
  endpoints,
  published: [],
});

describe('leaving a network outside the lock', () => {
  it('is for containers whose every endpoint has no published ports and another container that stays', async () => {
    const s = service();
    const a = container('a', endpoint('n1', '10.1.0.2'));
    const b = container('b', endpoint('n1', '10.1.0.3'), endpoint('n2', '10.2.0.3'));
    const p = container('p', endpoint('n1', '10.1.0.4', [{ host_port: 8080, container_port: 80 }]));
    for (const c of [a, b, p]) await s.store.saveActive(c);
    expect(canLeaveDirectly(s, a)).toBe(true);
    expect(canLeaveDirectly(s, b)).toBe(false); // the last on n2: netavark removes n2's rules
    expect(canLeaveDirectly(s, p)).toBe(false); // its DNAT rules are netavark's
  });

  it('counts a leaving container as gone for decisions, and lets the last one wait for its interfaces', async () => {
    const s = service();
    const a = container('a', endpoint('n1', '10.1.0.2'));
    const b = container('b', endpoint('n1', '10.1.0.3'));
    for (const c of [a, b]) await s.store.saveActive(c);
    expect(s.usedByOthers('n1', 'b')).toBe(true);
    let gone = (): void => undefined;
    s.leaving.set('a', new Promise<void>((r) => (gone = r)));
    expect(s.usedByOthers('n1', 'b')).toBe(false); // b is the last: it tears the network down
    expect(canLeaveDirectly(s, b)).toBe(false);
    expect(s.usedByOthers('n1', undefined)).toBe(true); // b itself still counts
    expect(s.store.allActive().map((x) => x.containerId)).toContain('a'); // a's address stays taken
    let waited = false;
    const wait = s.leftFrom('n1').then(() => (waited = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(waited).toBe(false);
    expect(await Promise.race([s.leftFrom('n2').then(() => 'n2 has no one leaving'), wait])).toBe(
      'n2 has no one leaving',
    );
    gone();
    await wait;
    expect(waited).toBe(true);
  });
});
