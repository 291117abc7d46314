// What does not translate is data: each key by its Compose path, with a reason; a value that asks for what a pod
// does anyway (init: false, stop_signal: SIGTERM) is not listed, and x-* extensions are never listed.
import { describe, expect, it } from 'vitest';
import { convertText, find, podSpec } from './helpers.js';

describe('kubernetes: what does not translate', () => {
  it('lists each untranslatable key of a service and of its networks by path, with a reason', () => {
    const c = convertText(`
services:
  a:
    image: x
    container_name: fixed
    init: true
    ulimits: { nofile: 1024 }
    logging: { driver: json-file }
    restart: on-failure
    stop_signal: SIGTERM
    x-team: core
    networks:
      back: { aliases: [db-alias], ipv4_address: 10.5.0.5 }
    deploy:
      replicas: 2
      placement: { constraints: ["node.role==manager"] }
      update_config: { parallelism: 1 }
      restart_policy: { condition: any, max_attempts: 3 }
  b:
    image: x
    deploy: { restart_policy: { condition: any } }
networks:
  back:
    driver: macvlan
    ipam: { config: [{ subnet: 10.5.0.0/16 }] }
`);
    expect(c.untranslated.map((u) => u.path).sort()).toEqual([
      'networks.back.driver',
      'networks.back.ipam',
      'services.a.container_name',
      'services.a.deploy.placement',
      'services.a.deploy.restart_policy',
      'services.a.deploy.update_config',
      'services.a.init',
      'services.a.logging',
      'services.a.networks.back.aliases',
      'services.a.networks.back.ipv4_address',
      'services.a.restart',
      'services.a.ulimits',
    ]);
    for (const u of c.untranslated) expect(u.reason.length).toBeGreaterThan(10);
    expect(c.untranslated.find((u) => u.path === 'services.a.restart')?.reason).toContain('restartPolicy Always');
  });

  it('translates the pod-level keys: hostname, extra_hosts, dns options, sysctls and the grace period', () => {
    const c = convertText(`
services:
  a:
    image: x
    hostname: api
    extra_hosts: ["db.local=10.0.0.2", "cache.local=10.0.0.2", "gw=host-gateway"]
    dns_search: [example.com]
    dns_opt: ["ndots:2", "rotate"]
    sysctls: { net.core.somaxconn: 1024 }
    stop_grace_period: 1m30s
    tty: true
    stdin_open: true
`);
    const pod = podSpec(find(c, 'Deployment', 'a'));
    expect(pod).toMatchObject({
      hostname: 'api',
      hostAliases: [{ ip: '10.0.0.2', hostnames: ['db.local', 'cache.local'] }],
      dnsConfig: { searches: ['example.com'], options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }] },
      securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
      terminationGracePeriodSeconds: 90,
    });
    expect(pod.containers[0]).toMatchObject({ tty: true, stdin: true });
    expect(c.untranslated.map((u) => u.path)).toEqual(['services.a.extra_hosts.gw']);
  });
});
