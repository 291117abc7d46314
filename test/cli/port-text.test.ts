// berth ps's PORTS column and Publishers order, on inline data: docker/cli's DisplayablePorts cases and what
// dockerd 20.10's `docker ps` printed for an image with EXPOSE 53/udp 80/tcp and -p 127.0.0.1:18080:80.
import { describe, expect, it } from 'vitest';
import { displayablePorts, sortByPrivatePort } from '../../src/cli/port-text.js';

describe('displayablePorts', () => {
  it('must list exposed ports before bindings to another host port, sorted by container port', () => {
    expect(
      displayablePorts([
        { IP: '127.0.0.1', PrivatePort: 80, PublicPort: 18080, Type: 'tcp' },
        { PrivatePort: 53, Type: 'udp' },
      ]),
    ).toBe('53/udp, 127.0.0.1:18080->80/tcp');
    expect(
      displayablePorts([
        { PrivatePort: 80, Type: 'tcp' },
        { PrivatePort: 53, Type: 'udp' },
      ]),
    ).toBe('53/udp, 80/tcp');
    expect(displayablePorts([])).toBe('');
  });

  it('must group consecutive ports and same-number bindings, and bracket IPv6 addresses', () => {
    expect(
      displayablePorts([
        { PrivatePort: 6000, Type: 'tcp' },
        { PrivatePort: 6001, Type: 'tcp' },
        { PrivatePort: 6002, Type: 'tcp' },
        { PrivatePort: 7000, Type: 'tcp' },
      ]),
    ).toBe('6000-6002/tcp, 7000/tcp');
    expect(displayablePorts([{ IP: '0.0.0.0', PrivatePort: 9090, PublicPort: 9090, Type: 'tcp' }])).toBe(
      '0.0.0.0:9090->9090/tcp',
    );
    expect(displayablePorts([{ IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }])).toBe('[::]:8080->80/tcp');
  });
});

it('sortByPrivatePort must order Publishers by container port, as compose ps --format json does', () => {
  const sorted = sortByPrivatePort([
    { PrivatePort: 80, Type: 'tcp' },
    { PrivatePort: 53, Type: 'udp' },
  ]);
  expect(sorted.map((p) => p.PrivatePort)).toEqual([53, 80]);
});
