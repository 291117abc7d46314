import { describe, expect, it } from 'vitest';
import { parsePortShort, portKey } from '../../../src/spec/syntax/ports.js';
import type { PortMapping } from '../../../src/spec/syntax/ports.js';

const MAPPING_HINT = 'HOST:CONTAINER, e.g. "8080:80"';
const PORT_HINT = 'ports are numbers from 0 to 65535, or ranges such as "8000-8010"';

const tcp = (target: number, extra: Partial<PortMapping> = {}): PortMapping => ({
  target,
  protocol: 'tcp',
  mode: 'ingress',
  ...extra,
});

describe('parsePortShort', () => {
  it.each<[string | number, PortMapping[]]>([
    [3000, [tcp(3000)]],
    ['3000', [tcp(3000)]],
    ['3000-3005', [3000, 3001, 3002, 3003, 3004, 3005].map((p) => tcp(p))],
    ['8000:8000', [tcp(8000, { published: '8000' })]],
    ['9090-9091:8080-8081', [tcp(8080, { published: '9090' }), tcp(8081, { published: '9091' })]],
    ['49100:22', [tcp(22, { published: '49100' })]],
    ['8000-9000:80', [tcp(80, { published: '8000-9000' })]],
    ['127.0.0.1:8001:8001', [tcp(8001, { published: '8001', host_ip: '127.0.0.1' })]],
    [
      '127.0.0.1:5000-5002:5000-5002',
      [5000, 5001, 5002].map((p) => tcp(p, { published: `${p}`, host_ip: '127.0.0.1' })),
    ],
    ['127.0.0.1::5000', [tcp(5000, { host_ip: '127.0.0.1' })]],
    ['6060:6060/udp', [{ target: 6060, published: '6060', protocol: 'udp', mode: 'ingress' }]],
    ['5000/sctp', [{ target: 5000, protocol: 'sctp', mode: 'ingress' }]],
    ['80/TCP', [tcp(80)]],
    ['80/', [tcp(80)]],
    ['[::1]:6001:6001', [tcp(6001, { published: '6001', host_ip: '::1' })]],
    ['::1:6001:6001', [tcp(6001, { published: '6001', host_ip: '::1' })]],
    ['[2001:db8::8a2e:370:7334]:80:80', [tcp(80, { published: '80', host_ip: '2001:db8::8a2e:370:7334' })]],
    ['[::ffff:10.0.0.1]::80', [tcp(80, { host_ip: '::ffff:10.0.0.1' })]],
    ['0.0.0.0:80:80/tcp', [tcp(80, { published: '80', host_ip: '0.0.0.0' })]],
    [':80', [tcp(80)]],
    ['0', [tcp(0)]],
    ['65535', [tcp(65535)]],
    ['080', [tcp(80)]],
    ['80-80', [tcp(80)]],
    ['8080:80-80', [tcp(80, { published: '8080' })]],
    // compose-go sorts expanded ranges as text
    ['998-1001:998-1001', [1000, 1001, 998, 999].map((p) => tcp(p, { published: `${p}` }))],
  ])('reads %j', (input, mappings) => {
    expect(parsePortShort(input)).toEqual({ ok: true, value: mappings });
  });

  it.each<[string | number, string, string]>([
    ['80:80:80:80', '"80:80:80:80" is not a port mapping', MAPPING_HINT],
    ['localhost:80:80', '"localhost:80:80" is not a port mapping', MAPPING_HINT],
    ['1.2.3.256:80:80', '"1.2.3.256:80:80" is not a port mapping', MAPPING_HINT],
    ['01.2.3.4:80:80', '"01.2.3.4:80:80" is not a port mapping', MAPPING_HINT],
    ['[::1:80:80', '"[::1:80:80" is not a port mapping', MAPPING_HINT],
    ['[localhost]:80:80', '"[localhost]:80:80" is not a port mapping', MAPPING_HINT],
    ['fe80::1%eth0:80:80', '"fe80::1%eth0:80:80" is not a port mapping', MAPPING_HINT],
    ['1:2:3:4:5:6:7:8::80:80', '"1:2:3:4:5:6:7:8::80:80" is not a port mapping', MAPPING_HINT],
    ['abc', '"abc" has an invalid container port "abc"', PORT_HINT],
    ['70000', '"70000" has an invalid container port "70000"', PORT_HINT],
    ['-80', '"-80" has an invalid container port "-80"', PORT_HINT],
    ['81-80', '"81-80" has an invalid container port "81-80"', PORT_HINT],
    ['80-81-82', '"80-81-82" has an invalid container port "80-81-82"', PORT_HINT],
    ['8080:http', '"8080:http" has an invalid container port "http"', PORT_HINT],
    ['70000:80', '"70000:80" has an invalid host port "70000"', PORT_HINT],
    ['x:80', '"x:80" has an invalid host port "x"', PORT_HINT],
    ['80/xyz', '"80/xyz" has an unknown protocol "xyz"', 'use tcp, udp or sctp'],
    ['80/tcp/udp', '"80/tcp/udp" has an unknown protocol "tcp/udp"', 'use tcp, udp or sctp'],
    ['', '"" has no container port', MAPPING_HINT],
    ['8080:', '"8080:" has no container port', MAPPING_HINT],
    ['/udp', '"/udp" has no container port', MAPPING_HINT],
    [
      '9090-9092:8080-8081',
      '"9090-9092:8080-8081" maps host ports "9090-9092" to a different number of container ports "8080-8081"',
      'give ranges of the same length, or a single container port',
    ],
    [
      '8080:8080-8081',
      '"8080:8080-8081" maps host ports "8080" to a different number of container ports "8080-8081"',
      'give ranges of the same length, or a single container port',
    ],
    [70000, '"70000" is not a port number', PORT_HINT],
    [80.5, '"80.5" is not a port number', PORT_HINT],
    [-1, '"-1" is not a port number', PORT_HINT],
  ])('rejects %j', (input, message, hint) => {
    expect(parsePortShort(input)).toEqual({ ok: false, message, hint });
  });
});

describe('portKey', () => {
  it.each<[PortMapping, string]>([
    [tcp(80), '0.0.0.0::80/tcp'],
    [tcp(80, { published: '8080' }), '0.0.0.0:8080:80/tcp'],
    [tcp(80, { published: '8080', host_ip: '0.0.0.0' }), '0.0.0.0:8080:80/tcp'],
    [tcp(80, { published: '8080', host_ip: '' }), '0.0.0.0:8080:80/tcp'],
    [tcp(80, { published: '8000-9000', host_ip: '127.0.0.1' }), '127.0.0.1:8000-9000:80/tcp'],
    [
      { target: 53, published: '53', protocol: 'udp', mode: 'host', name: 'dns', app_protocol: 'dns' },
      '0.0.0.0:53:53/udp',
    ],
    [tcp(6001, { published: '6001', host_ip: '::1' }), '::1:6001:6001/tcp'],
  ])('keys %j as %j', (mapping, key) => {
    expect(portKey(mapping)).toBe(key);
  });

  it('treats a short entry and its long form as the same port, whatever the mode', () => {
    const short = parsePortShort('127.0.0.1:8080:80');
    const long: PortMapping = { target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp', mode: 'host' };
    expect(short.ok && short.value.map(portKey)).toEqual([portKey(long)]);
  });
});
