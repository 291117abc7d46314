// berth ps's PORTS column and Publishers order, on inline data: docker/cli's DisplayablePorts cases and what
// dockerd 20.10's `docker ps` printed for an image with EXPOSE 53/udp 80/tcp and -p 127.0.0.1:18080:80.
import { describe, expect, it } from 'vitest';
import { displayablePorts, sortByPrivatePort } from '../../src/cli/port-text.js';

describe('displayablePorts', () => {
  it('must list exposed ports before bindings to another host port, sorted by container port', () => {
    expect(
      displayablePorts([
        { ip: '127.0.0.1', privatePort: 80, publicPort: 18080, type: 'tcp' },
        { privatePort: 53, type: 'udp' },
      ]),
    ).toBe('53/udp, 127.0.0.1:18080->80/tcp');
    expect(
      displayablePorts([
        { privatePort: 80, type: 'tcp' },
        { privatePort: 53, type: 'udp' },
      ]),
    ).toBe('53/udp, 80/tcp');
    expect(displayablePorts([])).toBe('');
  });

  it('must group consecutive ports and same-number bindings, and bracket IPv6 addresses', () => {
    expect(
      displayablePorts([
        { privatePort: 6000, type: 'tcp' },
        { privatePort: 6001, type: 'tcp' },
        { privatePort: 6002, type: 'tcp' },
        { privatePort: 7000, type: 'tcp' },
      ]),
    ).toBe('6000-6002/tcp, 7000/tcp');
    expect(displayablePorts([{ ip: '0.0.0.0', privatePort: 9090, publicPort: 9090, type: 'tcp' }])).toBe(
      '0.0.0.0:9090->9090/tcp',
    );
    expect(displayablePorts([{ ip: '::', privatePort: 80, publicPort: 8080, type: 'tcp' }])).toBe('[::]:8080->80/tcp');
  });
});

it('sortByPrivatePort must order Publishers by container port, as compose ps --format json does', () => {
  const sorted = sortByPrivatePort([
    { privatePort: 80, type: 'tcp' },
    { privatePort: 53, type: 'udp' },
  ]);
  expect(sorted.map((p) => p.privatePort)).toEqual([53, 80]);
});
