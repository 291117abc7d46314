// berthd's name server on real UDP sockets, on loopback addresses of the test's own (127.a.b.x; any 127/8 address
// is the host's): a "gateway" it serves, a "container" that asks, and a fake upstream resolver on port 53.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NameServer } from '../../../src/engine/dns/name-server.js';
import { nameView } from '../../../src/engine/dns/names.js';
import type { ActiveContainer } from '../../../src/engine/networks/types.js';
import { until } from '../../until.js';
import { container, network } from './records.js';

const base = `127.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const [gateway, asker, other, upstream] = [`${base}.1`, `${base}.2`, `${base}.3`, `${base}.4`];

const net = network('n1', gateway);
const entry = (id: string, name: string, ip: string, dns: string[] = []): ActiveContainer =>
  container(id, name, [[net, ip, []]], dns);

/** dns-packet decodes the response code and record data, which its types leave out. */
const rcode = (p: packet.DecodedPacket | undefined): unknown => (p as { rcode?: string } | undefined)?.rcode;
const data = (p: packet.DecodedPacket | undefined): unknown[] | undefined =>
  p?.answers?.map((a) => (a as { data?: unknown }).data);

let active: ActiveContainer[] = [];
let dir: string;
let server: NameServer;
let fake: Socket;
const upstreamAsked: string[] = [];
const logged: string[] = [];

/** Asks `gateway`:53 from `from`; the decoded reply, or undefined after 1.5 s. */
function ask(name: string, type: packet.RecordType = 'A', from = asker): Promise<packet.DecodedPacket | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => done(undefined), 1500);
    const done = (p: packet.DecodedPacket | undefined): void => {
      clearTimeout(timer);
      s.close();
      resolve(p);
    };
    s.on('error', () => done(undefined));
    s.on('message', (m) => done(packet.decode(m)));
    s.bind({ address: from, port: 0 }, () => {
      const q = packet.encode({
        type: 'query',
        id: 4242,
        flags: packet.RECURSION_DESIRED,
        questions: [{ type, name }],
      });
      s.send(q, 53, gateway);
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-nameserver-'));
  writeFileSync(join(dir, 'resolv.conf'), `nameserver ${upstream}\n`);
  fake = createSocket('udp4');
  fake.on('message', (m, from) => {
    const q = packet.decode(m);
    upstreamAsked.push(q.questions?.[0]?.name ?? '');
    const answers = [{ type: 'A' as const, name: q.questions?.[0]?.name ?? '', ttl: 5, data: '192.0.2.7' }];
    fake.send(packet.encode({ type: 'response', id: q.id, questions: q.questions, answers }), from.port, from.address);
  });
  await new Promise<void>((r) => fake.bind({ address: upstream, port: 53 }, r));
  server = new NameServer({
    view: () => nameView([net], active),
    log: (l) => logged.push(l),
    resolvConfPath: join(dir, 'resolv.conf'),
  });
});

afterAll(async () => {
  await server?.closeAll();
  fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("berthd's name server", () => {
  it("answers a container's name from the records of the moment, with the asker's id", async () => {
    active = [entry('c1', 'asker', asker), entry('c2', 'db', other)];
    expect(await server.listen(gateway)).toBe(true);
    const r = await ask('db');
    expect(r?.id).toBe(4242);
    expect(rcode(r)).toBe('NOERROR');
    expect(r?.flag_aa).toBe(true);
    expect(data(r)).toEqual([other]);
    // A change is a change to the records: the next question sees it, with the same socket.
    active = [entry('c1', 'asker', asker), entry('c3', 'db', `${base}.9`)];
    expect(data(await ask('db'))).toEqual([`${base}.9`]);
    expect((await ask('db', 'AAAA'))?.answers).toEqual([]);
  });

  it('refuses an address that is no container of the network', async () => {
    active = [entry('c2', 'db', other)];
    await server.listen(gateway);
    expect(rcode(await ask('db'))).toBe('REFUSED');
  });

  it("passes other names to the host's resolvers and relays the answer", async () => {
    active = [entry('c1', 'asker', asker)];
    await server.listen(gateway);
    const r = await ask('deb.example');
    expect(r?.id).toBe(4242);
    expect(data(r)).toEqual(['192.0.2.7']);
    expect(upstreamAsked).toContain('deb.example');
  });

  it("with the asker's own loopback Dns only, fails the name and never asks the host's resolvers", async () => {
    active = [entry('c1', 'asker', asker, ['127.0.0.1'])];
    await server.listen(gateway);
    const before = upstreamAsked.length;
    expect(rcode(await ask('other.example'))).toBe('SERVFAIL');
    expect(upstreamAsked.length).toBe(before);
  });

  it('binds a port that was taken as soon as it is let go, and lets it go at close', async () => {
    const gw2 = `${base}.5`;
    const squatter = createSocket('udp4');
    await new Promise<void>((r) => squatter.bind({ address: gw2, port: 53 }, r));
    expect(await server.listen(gw2)).toBe(false);
    expect(logged.join('\n')).toContain(`${gw2}:53 not bound yet`);
    await new Promise<void>((r) => squatter.close(r));
    await until('the name server to bind the freed port', async () => (server.serving(gw2) ? true : undefined), 5000);
    await server.close(gw2);
    const again = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind({ address: gw2, port: 53, exclusive: true }, resolve);
    });
    again.close();
  });
});
