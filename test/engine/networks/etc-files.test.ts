import { describe, expect, it } from 'vitest';
import { hostsFile, resolvConf } from '../../../src/engine/networks/etc-files.js';

describe('container /etc files', () => {
  it('/etc/hosts has localhost, the extra hosts (host-gateway is the gateway), then the own address', () => {
    const text = hostsFile({
      hostname: 'web1',
      ip: '172.18.0.2',
      gateway: '172.18.0.1',
      extraHosts: ['db:10.0.0.5', 'gw:host-gateway'],
    });
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('127.0.0.1\tlocalhost');
    expect(lines.slice(-3)).toEqual(['10.0.0.5\tdb', '172.18.0.1\tgw', '172.18.0.2\tweb1']);
  });

  it('with DNS on the network, the name server on the gateways is the nameserver; Dns is its upstream, not listed', () => {
    const text = resolvConf({
      host: 'nameserver 10.255.255.53\nsearch corp.example\noptions ndots:2\n',
      dnsServers: ['172.18.0.1'],
      dns: ['127.0.0.1'],
      dnsSearch: [],
      dnsOptions: ['timeout:1'],
      hostNamespace: false,
    });
    expect(text).toBe('nameserver 172.18.0.1\nsearch corp.example\noptions timeout:1\n');
  });

  it('without DNS: Dns, else the host resolvers without loopback ones', () => {
    const host = 'nameserver 127.0.0.53\nnameserver 10.1.1.1\n';
    const base = { host, dnsServers: [], dnsSearch: [], dnsOptions: [], hostNamespace: false };
    expect(resolvConf({ ...base, dns: [] })).toBe('nameserver 10.1.1.1\n');
    expect(resolvConf({ ...base, dns: ['9.9.9.9'] })).toBe('nameserver 9.9.9.9\n');
    expect(resolvConf({ ...base, dns: [], hostNamespace: true })).toBe('nameserver 127.0.0.53\nnameserver 10.1.1.1\n');
  });
});
