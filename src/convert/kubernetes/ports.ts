// A service's ports as Kubernetes sees them: the container ports its pods listen on, the ports other pods reach
// through the service's ClusterIP Service (Compose's `expose` and the targets of `ports`), and the published
// ports, which become a LoadBalancer Service (Compose publishes on every host address; a cluster publishes on its
// load balancer). Ranges are expanded up to MAX_RANGE ports.
import type { Service } from '../../spec/model.js';
import type { Untranslated } from './types.js';

export interface InternalPort {
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** Compose's `app_protocol`, Kubernetes' `appProtocol` (e.g. "http"). */
  appProtocol?: string;
}

export interface PublishedPort extends InternalPort {
  target: number;
}

export interface ServicePorts {
  /** Unique by port and protocol, in the order of `ports` then `expose`. */
  internal: InternalPort[];
  /** `ports` entries in ingress mode: the load balancer's port (the published one) and the container's. */
  published: PublishedPort[];
  /** `ports` entries in host mode: the container port is bound on its node's address (hostPort). */
  hostPorts: PublishedPort[];
  untranslated: Untranslated[];
}

const MAX_RANGE = 100;

function protocolOf(text: string | undefined): InternalPort['protocol'] | undefined {
  const p = (text ?? 'tcp').toLowerCase();
  return p === 'tcp' ? 'TCP' : p === 'udp' ? 'UDP' : p === 'sctp' ? 'SCTP' : undefined;
}

/** "3000", "3000-3005", "3000/udp" -> the ports, or a reason why not. */
function parseRange(text: string): number[] | string {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return `"${text}" is not a port or a port range`;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || to < from) return `"${text}" is not a port range within 1-65535`;
  if (to - from + 1 > MAX_RANGE) return `the range "${text}" has more than ${MAX_RANGE} ports`;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function servicePorts(service: Service): ServicePorts {
  const at = `services.${service.name}`;
  const out: ServicePorts = { internal: [], published: [], hostPorts: [], untranslated: [] };
  const addInternal = (port: InternalPort): void => {
    if (!out.internal.some((p) => p.port === port.port && p.protocol === port.protocol)) out.internal.push(port);
  };
  (service.ports ?? []).forEach((p, i) => {
    const path = `${at}.ports[${i}]`;
    const protocol = protocolOf(p.protocol);
    if (!protocol) {
      out.untranslated.push({ path: `${path}.protocol`, reason: `protocol "${p.protocol}" has no Kubernetes port` });
      return;
    }
    const appProtocol = p.app_protocol !== undefined ? { appProtocol: p.app_protocol } : {};
    addInternal({ port: p.target, protocol, ...appProtocol });
    if (p.host_ip !== undefined)
      out.untranslated.push({
        path: `${path}.host_ip`,
        reason: 'a Service cannot bind one host address; the port is published on every address of its target',
      });
    let published = p.target;
    if (p.published !== undefined) {
      const range = parseRange(p.published);
      if (typeof range === 'string') {
        out.untranslated.push({ path: `${path}.published`, reason: range });
        return;
      }
      published = range[0] as number;
      if (range.length > 1)
        out.untranslated.push({
          path: `${path}.published`,
          reason: `a range publishes one free port of it in Compose; Kubernetes needs one port, so ${published} is used`,
        });
    }
    const list = p.mode === 'host' ? out.hostPorts : out.published;
    if (list.some((q) => q.port === published && q.protocol === protocol)) {
      out.untranslated.push({ path, reason: `port ${published}/${protocol} is published twice; kept once` });
      return;
    }
    list.push({ port: published, target: p.target, protocol, ...appProtocol });
  });
  (service.expose ?? []).forEach((text, i) => {
    const [range, proto] = text.split('/');
    const protocol = protocolOf(proto);
    const ports = parseRange(range ?? '');
    if (!protocol || typeof ports === 'string') {
      const reason = protocol ? (ports as string) : `protocol "${proto}" has no Kubernetes port`;
      out.untranslated.push({ path: `${at}.expose[${i}]`, reason });
      return;
    }
    for (const port of ports) addInternal({ port, protocol });
  });
  return out;
}

/** The name of a Service port, which must be an IANA service name when a Service has several: "tcp-8080". */
export function portName(port: InternalPort): string {
  return `${port.protocol.toLowerCase()}-${port.port}`;
}
