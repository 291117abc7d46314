import { describe, expect, it } from 'vitest';
import { answerName, nameView } from '../../../src/engine/dns/names.js';
import { container, network } from './records.js';

// b (10.2) sorts after a (10.1): an asker on both looks a name up on a first.
const a = network('a', '10.1.0.1');
const b = network('b', '10.2.0.1');
const plain = network('bridge', '10.9.0.1', false);
const view = nameView(
  [b, a, plain],
  [
    container('c1', 'one', [[a, '10.1.0.2', ['web']]]),
    container('c2', 'Two', [
      [a, '10.1.0.3', []],
      [b, '10.2.0.3', []],
    ]),
    container('c3', 'three', [[b, '10.2.0.4', ['web']]], ['9.9.9.9', '127.0.0.1']),
    container('c4', 'four', [
      [b, '10.2.0.5', ['db']],
      [a, '10.1.0.5', ['db']],
    ]),
    container('c5', 'five', [[a, '10.1.0.6', ['web']]]),
    container('c9', 'nine', [[plain, '10.9.0.2', []]]),
  ],
);
const ask = (gateway: string, source: string, name: string, type = 'A') =>
  answerName(view, { gateway, source, name, type });

describe("the name server's answers", () => {
  it("answers a container's name and aliases on the asker's network, without case or trailing dot", () => {
    expect(ask(a.gateway as string, '10.1.0.2', 'two')).toEqual({ kind: 'records', ips: ['10.1.0.3'] });
    expect(ask(a.gateway as string, '10.1.0.2', 'TWO.')).toEqual({ kind: 'records', ips: ['10.1.0.3'] });
    expect(ask(b.gateway as string, '10.2.0.4', 'two')).toEqual({ kind: 'records', ips: ['10.2.0.3'] });
  });

  it('gives every container of an alias on the network (replicas), and none from a network the asker is not on', () => {
    expect(ask(a.gateway as string, '10.1.0.3', 'web')).toEqual({ kind: 'records', ips: ['10.1.0.2', '10.1.0.6'] });
    expect(ask(b.gateway as string, '10.2.0.4', 'web')).toEqual({ kind: 'records', ips: ['10.2.0.4'] });
    expect(ask(a.gateway as string, '10.1.0.2', 'three')).toEqual({ kind: 'forward', upstream: [] });
  });

  it("looks a name up on the asker's networks by name order, the first that has it answering (as dockerd)", () => {
    // c2 is on a and b, c4 on both too: c2 gets c4's address on a, whichever gateway it asks.
    expect(ask(a.gateway as string, '10.1.0.3', 'db')).toEqual({ kind: 'records', ips: ['10.1.0.5'] });
    expect(ask(b.gateway as string, '10.2.0.3', 'four')).toEqual({ kind: 'records', ips: ['10.1.0.5'] });
    // c2 asks for three (on b alone) on a's gateway: its networks include b.
    expect(ask(a.gateway as string, '10.1.0.3', 'three')).toEqual({ kind: 'records', ips: ['10.2.0.4'] });
  });

  it("answers a known name of another type without records, and forwards other names to the asker's Dns", () => {
    expect(ask(a.gateway as string, '10.1.0.2', 'two', 'AAAA')).toEqual({ kind: 'records', ips: [] });
    expect(ask(b.gateway as string, '10.2.0.4', 'example.org')).toEqual({
      kind: 'forward',
      upstream: ['9.9.9.9', '127.0.0.1'],
    });
  });

  it('answers the reverse name of a visible address, and forwards one it does not know', () => {
    expect(ask(a.gateway as string, '10.1.0.2', '3.0.1.10.in-addr.arpa', 'PTR')).toEqual({
      kind: 'pointer',
      name: 'two',
    });
    expect(ask(a.gateway as string, '10.1.0.2', '4.0.2.10.in-addr.arpa', 'PTR')).toEqual({
      kind: 'forward',
      upstream: [],
    });
  });

  it('refuses an address that is no container of the network, and a gateway without names', () => {
    expect(ask(a.gateway as string, '10.1.0.99', 'two')).toEqual({ kind: 'refuse' });
    expect(ask(a.gateway as string, '10.2.0.4', 'two')).toEqual({ kind: 'refuse' });
    expect(ask(plain.gateway as string, '10.9.0.2', 'nine')).toEqual({ kind: 'refuse' });
    expect(ask('10.7.0.1', '10.1.0.2', 'two')).toEqual({ kind: 'refuse' });
  });
});
