import { describe, expect, it } from 'vitest';
import { containerNetworks } from '../../../src/engine/networks/container-request.js';
import { checkCreateRequest } from '../../../src/engine/networks/create-request.js';
import { filterNetworks, prunableNetworks } from '../../../src/engine/networks/network-filters.js';
import { portMappings, portsJson } from '../../../src/engine/networks/ports.js';
import type { NetworkRecord } from '../../../src/engine/networks/types.js';
import { EngineError } from '../../../src/engine/errors.js';

function net(name: string, extra: Partial<NetworkRecord> = {}): NetworkRecord {
  return {
    id: `${name.padEnd(8, '0').replace(/[^0-9a-f]/g, 'a')}${'0'.repeat(56)}`,
    name,
    driver: name === 'host' ? 'host' : name === 'none' ? 'null' : 'bridge',
    created: '2024-01-01T00:00:00Z',
    internal: false,
    attachable: false,
    labels: {},
    options: {},
    ipamRequest: [],
    dnsEnabled: name !== 'bridge',
    ...extra,
  };
}

const networks = [
  net('bridge'),
  net('host'),
  net('none'),
  net('front', {
    subnet: '10.7.0.0/24',
    gateway: '10.7.0.1',
    ipamRequest: [{ Subnet: '10.7.0.0/24' }],
    labels: { tier: 'web' },
  }),
  net('back', { subnet: '172.20.0.0/16', gateway: '172.20.0.1' }),
];
const lookups = {
  network: (ref: string) => {
    const n = networks.find((x) => x.name === ref || x.id === ref);
    if (!n) throw new EngineError('not-found', 'ENGINE_NO_SUCH_NETWORK', `network ${ref} not found`);
    return n;
  },
  containerId: (ref: string) => `${ref}-id`,
};

describe('network requests', () => {
  it('network create: bridge only, one IPv4 pool, gateway inside the subnet, MTU and bridge name options', () => {
    const ok = checkCreateRequest({
      Name: 'app',
      IPAM: { Config: [{ Subnet: '10.9.0.0/24', Gateway: '10.9.0.254', IPRange: '10.9.0.128/25' }] },
      Options: { 'com.docker.network.driver.mtu': '1400', 'com.docker.network.bridge.name': 'appbr0' },
    });
    expect(ok).toMatchObject({ gateway: '10.9.0.254', ipRange: '10.9.0.128/25', mtu: 1400, bridgeName: 'appbr0' });
    expect(() => checkCreateRequest({ Name: 'x', Driver: 'overlay' })).toThrow(/not supported/);
    expect(() =>
      checkCreateRequest({ Name: 'x', IPAM: { Config: [{ Subnet: '10.9.0.0/24', Gateway: '10.8.0.1' }] } }),
    ).toThrow(/gateway/);
    expect(() =>
      checkCreateRequest({ Name: 'x', Options: { 'com.docker.network.bridge.name': 'a-very-long-bridge' } }),
    ).toThrow(/bridge name/);
  });

  it('container create: default, user network with alias and static address, host, none, container:', () => {
    expect(containerNetworks({ NetworkMode: 'default' }, { EndpointsConfig: { default: {} } }, lookups)).toEqual({
      mode: 'bridge',
      endpoints: [{ networkId: networks[0]?.id, aliases: [] }],
    });
    const user = containerNetworks(
      { NetworkMode: 'front' },
      { EndpointsConfig: { front: { Aliases: ['web'], IPAMConfig: { IPv4Address: '10.7.0.9' } }, back: {} } },
      lookups,
    );
    expect(user.endpoints.map((e) => [e.aliases, e.ipv4Address])).toEqual([
      [['web'], '10.7.0.9'],
      [[], undefined],
    ]);
    expect(containerNetworks({ NetworkMode: 'host' }, undefined, lookups).mode).toBe('host');
    expect(containerNetworks({ NetworkMode: 'none' }, undefined, lookups).mode).toBe('none');
    expect(containerNetworks({ NetworkMode: 'container:db' }, undefined, lookups)).toMatchObject({
      container: 'db-id',
    });
  });

  it('container create: Docker refuses aliases on the default bridge and static addresses without a user subnet', () => {
    const aliasOnDefault = { EndpointsConfig: { bridge: { Aliases: ['x'] } } };
    expect(() => containerNetworks({ NetworkMode: 'bridge' }, aliasOnDefault, lookups)).toThrow(
      /user defined networks/,
    );
    const ipOnBack = { EndpointsConfig: { back: { IPAMConfig: { IPv4Address: '172.20.0.5' } } } };
    expect(() => containerNetworks({ NetworkMode: 'back' }, ipOnBack, lookups)).toThrow(/user configured subnets/);
    const outside = { EndpointsConfig: { front: { IPAMConfig: { IPv4Address: '10.8.0.5' } } } };
    expect(() => containerNetworks({ NetworkMode: 'front' }, outside, lookups)).toThrow(/does not belong/);
    expect(() => containerNetworks({ NetworkMode: 'nope' }, undefined, lookups)).toThrow(/network nope not found/);
  });

  it('published ports: bindings and PublishAllPorts to netavark mappings, and back to inspect Ports', () => {
    const m = portMappings(
      {
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostPort: '' }] },
        PublishAllPorts: true,
      },
      ['80/tcp', '53/udp', '9000/tcp'],
    );
    expect(m).toEqual([
      { container_port: 80, host_port: 8080, host_ip: '127.0.0.1', protocol: 'tcp', range: 1 },
      { container_port: 53, host_port: 0, host_ip: '', protocol: 'udp', range: 1 },
      { container_port: 9000, host_port: 0, host_ip: '', protocol: 'tcp', range: 1 },
    ]);
    expect(portsJson(['80/tcp', '443/tcp'], [m[0] as never])).toEqual({
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
      '443/tcp': null,
    });
    expect(() => portMappings({ PortBindings: { '99999/tcp': [] } }, [])).toThrow(/invalid port/);
  });

  it('network list filters: name (substring), label, type, driver, dangling', () => {
    const names = (f: Record<string, string[]>, inUse = false) =>
      filterNetworks(networks, new Map(Object.entries(f)), () => inUse).map((n) => n.name);
    expect(names({ name: ['ro'] })).toEqual(['front']);
    expect(names({ label: ['tier=web'] })).toEqual(['front']);
    expect(names({ type: ['builtin'] })).toEqual(['bridge', 'host', 'none']);
    expect(names({ driver: ['null'] })).toEqual(['none']);
    expect(names({ dangling: ['true'] })).toEqual(['front', 'back']);
    expect(() => names({ colour: ['red'] })).toThrow(/Invalid filter/);
  });

  it('network prune must spare the predefined and used networks, and honour label, label! and until', () => {
    const pruned = (f: Record<string, string[]>, used: string[] = []) =>
      prunableNetworks(networks, new Map(Object.entries(f)), (n) => used.includes(n.name)).map((n) => n.name);
    expect(pruned({})).toEqual(['front', 'back']);
    expect(pruned({}, ['back'])).toEqual(['front']);
    expect(pruned({ label: ['tier=web'] })).toEqual(['front']);
    expect(pruned({ 'label!': ['tier=web'] })).toEqual(['back']);
    expect(pruned({ until: ['2023-12-31T00:00:00Z'] })).toEqual([]);
    expect(pruned({ until: ['2024-01-02T00:00:00Z'] })).toEqual(['front', 'back']);
    expect(() => pruned({ until: ['yesterday'] })).toThrow(/invalid until filter/);
  });
});
