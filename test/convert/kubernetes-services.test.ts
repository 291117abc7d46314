// Services: every Compose service gets a Service of its name (ClusterIP over its ports, headless without), and
// published ports a LoadBalancer Service "<name>-published"; host-mode ports are hostPorts.
import { describe, expect, it } from 'vitest';
import type { Doc } from './helpers.js';
import { convertText, find, has, mainContainer, untranslatedPaths } from './helpers.js';

describe('kubernetes services', () => {
  it('ports targets and expose make one ClusterIP Service; published ports a LoadBalancer one', () => {
    const c = convertText(`
services:
  web:
    image: x
    ports: ["8080:80", "9443:443/tcp", { target: 53, published: "5353", protocol: udp, app_protocol: dns }]
    expose: ["3000", "4000-4001/udp"]
`);
    expect((find(c, 'Service', 'web').spec as Doc).ports).toEqual([
      { name: 'tcp-80', port: 80, targetPort: 80, protocol: 'TCP' },
      { name: 'tcp-443', port: 443, targetPort: 443, protocol: 'TCP' },
      { name: 'udp-53', port: 53, targetPort: 53, protocol: 'UDP', appProtocol: 'dns' },
      { name: 'tcp-3000', port: 3000, targetPort: 3000, protocol: 'TCP' },
      { name: 'udp-4000', port: 4000, targetPort: 4000, protocol: 'UDP' },
      { name: 'udp-4001', port: 4001, targetPort: 4001, protocol: 'UDP' },
    ]);
    const published = find(c, 'Service', 'web-published').spec as Doc;
    expect(published.type).toBe('LoadBalancer');
    expect(published.ports).toEqual([
      { name: 'tcp-8080', port: 8080, targetPort: 80, protocol: 'TCP' },
      { name: 'tcp-9443', port: 9443, targetPort: 443, protocol: 'TCP' },
      { name: 'udp-5353', port: 5353, targetPort: 53, protocol: 'UDP', appProtocol: 'dns' },
    ]);
    expect(mainContainer(find(c, 'Deployment', 'web')).ports).toHaveLength(6);
  });

  it('a service without ports gets a headless Service, so its name resolves as in Compose', () => {
    const c = convertText('services:\n  worker: { image: x }\n');
    expect(find(c, 'Service', 'worker').spec).toEqual({
      clusterIP: 'None',
      selector: {
        'app.kubernetes.io/part-of': 'p',
        'app.kubernetes.io/managed-by': 'berth',
        'app.kubernetes.io/name': 'worker',
      },
    });
    expect(has(c, 'Service', 'worker-published')).toBe(false);
  });

  it('a port without a published one is published on its own number; host mode is a hostPort', () => {
    const c = convertText(`
services:
  a:
    image: x
    ports: ["80", { target: 22, published: "2222", mode: host }]
`);
    expect((find(c, 'Service', 'a-published').spec as Doc).ports).toEqual([
      { name: 'tcp-80', port: 80, targetPort: 80, protocol: 'TCP' },
    ]);
    expect(mainContainer(find(c, 'Deployment', 'a')).ports).toContainEqual({
      containerPort: 22,
      hostPort: 2222,
      protocol: 'TCP',
    });
  });

  it('a host address and a published range are listed by their path', () => {
    const c = convertText(`
services:
  a:
    image: x
    ports: ["127.0.0.1:8080:80", "9000-9005:90"]
`);
    expect(untranslatedPaths(c)).toEqual(
      expect.arrayContaining(['services.a.ports[0].host_ip', 'services.a.ports[1].published']),
    );
    expect((find(c, 'Service', 'a-published').spec as Doc).ports.map((p: Doc) => p.port)).toEqual([8080, 9000]);
  });

  it('deploy.endpoint_mode dnsrr makes the Service headless with its ports', () => {
    const c = convertText('services:\n  a: { image: x, expose: ["80"], deploy: { endpoint_mode: dnsrr } }\n');
    expect(find(c, 'Service', 'a').spec).toMatchObject({ clusterIP: 'None', ports: [{ port: 80 }] });
  });
});
