// The DNS question berthd asks aardvark-dns, and which replies count as an answer, as pure functions on bytes.
import { describe, expect, it } from 'vitest';
import { answers, dnsQuestion, listensOnDns } from '../../../src/engine/networks/aardvark-health.js';

/** A reply to `question`: flags (response, rcode) and an answer count, the question echoed. */
function reply(question: Buffer, rcode: number, count: number, id = question.readUInt16BE(0)): Buffer {
  const r = Buffer.from(question);
  r.writeUInt16BE(id, 0);
  r[2] = 0x81; // response, recursion desired
  r[3] = 0x80 | rcode;
  r.writeUInt16BE(count, 6);
  return r;
}

describe('aardvark-dns health question', () => {
  it('asks for the A record of the name, in labels, with the given id', () => {
    const q = dnsQuestion('db.dns.podman', 0xbeef);
    expect(q.readUInt16BE(0)).toBe(0xbeef);
    expect(q.readUInt16BE(4)).toBe(1); // one question
    expect(q.subarray(12).toString('latin1')).toBe('\x02db\x03dns\x06podman\x00\x00\x01\x00\x01');
  });

  it('counts a reply with its id, no error and a record as an answer; not NXDOMAIN, none, or another id', () => {
    const q = dnsQuestion('api', 7);
    expect(answers(reply(q, 0, 1), 7)).toBe(true);
    expect(answers(reply(q, 3, 0), 7)).toBe(false); // NXDOMAIN
    expect(answers(reply(q, 2, 0), 7)).toBe(false); // SERVFAIL
    expect(answers(reply(q, 0, 0), 7)).toBe(false); // no record
    expect(answers(reply(q, 0, 1, 8), 7)).toBe(false); // another query's reply
    expect(answers(q, 7)).toBe(false); // the question itself is not a response
    expect(answers(Buffer.alloc(5), 7)).toBe(false);
  });

  it('finds a listener on an address and port 53 in /proc/net/udp, and only there', () => {
    const udp = [
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      ' 9900: 010012AC:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 8294561 2 0 0',
      ' 9901: 010011AC:1F90 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 8294562 2 0 0',
    ].join('\n');
    expect(listensOnDns('172.18.0.1', udp)).toBe(true);
    expect(listensOnDns('172.17.0.1', udp)).toBe(false); // that address listens on 8080, not 53
    expect(listensOnDns('172.19.0.1', udp)).toBe(false);
  });
});
