// The Services of one Compose service. Every Compose service gets a Service of its own name, as every container
// resolves every service name in Compose: a ClusterIP Service over its ports (Compose's `expose` and the targets
// of `ports`), or a headless one when it has none (the name then resolves to the Ready pods' addresses, which is
// also what an init container can wait on). Published ports get a second, LoadBalancer Service "<name>-published".
import type { PublishedPort, ServicePorts } from './ports.js';
import { portName } from './ports.js';
import type { KubeObject } from './types.js';

export interface ServiceObjectsInput {
  name: string;
  ports: ServicePorts;
  labels: Record<string, string>;
  selector: Record<string, string>;
  /** deploy.endpoint_mode "dnsrr": the name resolves to the pods (headless), not to one virtual address. */
  dnsRoundRobin: boolean;
}

export function serviceObjects(input: ServiceObjectsInput): KubeObject[] {
  const { name, ports, labels, selector } = input;
  const internal = ports.internal.map((p) => ({
    name: portName(p),
    port: p.port,
    targetPort: p.port,
    protocol: p.protocol,
    ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}),
  }));
  const headless = internal.length === 0 || input.dnsRoundRobin;
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels },
      spec: {
        ...(headless ? { clusterIP: 'None' } : {}),
        selector,
        ...(internal.length > 0 ? { ports: internal } : {}),
      },
    },
  ];
  if (ports.published.length > 0)
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: publishedName(name), labels },
      spec: { type: 'LoadBalancer', selector, ports: ports.published.map(publishedPort) },
    });
  return objects;
}

export function publishedName(name: string): string {
  return `${name.slice(0, 63 - '-published'.length).replace(/-+$/, '')}-published`;
}

function publishedPort(p: PublishedPort): Record<string, unknown> {
  return {
    name: portName(p),
    port: p.port,
    targetPort: p.target,
    protocol: p.protocol,
    ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}),
  };
}
