import { describe, expect, it } from 'vitest';
import { parseExtraHost } from '../../../src/spec/syntax/extra-hosts.js';
import type { ExtraHost } from '../../../src/spec/syntax/extra-hosts.js';

const HINT = 'use HOST=IP, e.g. "somehost=162.242.195.82" or "myhostv6=::1"';

describe('parseExtraHost', () => {
  it.each<[string, ExtraHost]>([
    ['somehost:162.242.195.82', { host: 'somehost', ips: ['162.242.195.82'] }],
    ['somehost=162.242.195.82', { host: 'somehost', ips: ['162.242.195.82'] }],
    ['otherhost:50.31.209.229', { host: 'otherhost', ips: ['50.31.209.229'] }],
    ['myhostv6:::1', { host: 'myhostv6', ips: ['::1'] }],
    ['myhostv6=::1', { host: 'myhostv6', ips: ['::1'] }],
    ['myhostv6=[::1]', { host: 'myhostv6', ips: ['::1'] }],
    ['myhostv6:[::1]', { host: 'myhostv6', ips: ['::1'] }],
    ['host.docker.internal:host-gateway', { host: 'host.docker.internal', ips: ['host-gateway'] }],
    ['host.docker.internal=host-gateway', { host: 'host.docker.internal', ips: ['host-gateway'] }],
    ['multi=10.0.0.1,10.0.0.2', { host: 'multi', ips: ['10.0.0.1', '10.0.0.2'] }],
    ['dual=[::1],127.0.0.1', { host: 'dual', ips: ['::1', '127.0.0.1'] }],
    ['odd=a=b', { host: 'odd', ips: ['a=b'] }],
    ['brackets=[]', { host: 'brackets', ips: ['[]'] }],
  ])('reads %j', (input, entry) => {
    expect(parseExtraHost(input)).toEqual({ ok: true, value: entry });
  });

  it.each<[string, string]>([
    ['somehost', '"somehost" has no IP address'],
    ['somehost=', '"somehost=" has no IP address'],
    ['somehost:', '"somehost:" has no IP address'],
    ['somehost=1.2.3.4,', '"somehost=1.2.3.4," has no IP address'],
    ['=1.2.3.4', '"=1.2.3.4" has a bad host name ""'],
    [':1.2.3.4', '":1.2.3.4" has a bad host name ""'],
    ['a:b=1.2.3.4', '"a:b=1.2.3.4" has a bad host name "a:b"'],
  ])('rejects %j', (input, message) => {
    expect(parseExtraHost(input)).toEqual({ ok: false, message, hint: HINT });
  });
});
