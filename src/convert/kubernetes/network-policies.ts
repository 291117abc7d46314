// NetworkPolicies that mirror Compose networks. Each pod carries a label per network its service joins; one policy
// denies all ingress to the project's pods, and one per network admits traffic from pods of the same network, so
// pods talk when they share a network and not otherwise (policies add up). Published ports admit any source.
// A service whose networks are all `internal: true` may also send only to its networks' pods (and to the
// cluster DNS, which Compose's embedded resolver stands for).
import type { Stack } from '../../spec/model.js';
import { NETWORK_PREFIX, dnsLabel } from './names.js';
import type { PublishedPort } from './ports.js';
import type { KubeObject } from './types.js';

/** The pod label of membership in one Compose network. */
export function networkLabel(network: string): string {
  return `${NETWORK_PREFIX}${dnsLabel(network)}`;
}

export interface PolicyService {
  name: string;
  selector: Record<string, string>;
  /** The Compose networks it joins; empty for network_mode services, which no policy selects. */
  networks: readonly string[];
  published: readonly PublishedPort[];
}

const policy = (name: string, labels: Record<string, string>, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, labels },
  spec,
});

const DNS_EGRESS = {
  to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};

export function networkPolicies(
  stack: Stack,
  services: readonly PolicyService[],
  labels: Record<string, string>,
): KubeObject[] {
  const project = dnsLabel(stack.name);
  const out: KubeObject[] = [
    policy(`${project}-default-deny`, labels, { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'] }),
  ];
  const used = [...new Set(services.flatMap((s) => s.networks))];
  for (const network of used) {
    // The project's labels too: two stacks in one namespace may both have a network called "default".
    const members = { matchLabels: { ...labels, [networkLabel(network)]: 'true' } };
    out.push(
      policy(dnsLabel(`${project}-network-${network}`), labels, {
        podSelector: members,
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: members }] }],
      }),
    );
  }
  for (const s of services) {
    if (s.published.length > 0)
      out.push(
        policy(dnsLabel(`${s.name}-published`), labels, {
          podSelector: { matchLabels: s.selector },
          policyTypes: ['Ingress'],
          ingress: [{ ports: s.published.map((p) => ({ port: p.target, protocol: p.protocol })) }],
        }),
      );
    const internalOnly = s.networks.length > 0 && s.networks.every((n) => stack.networks[n]?.internal === true);
    if (internalOnly)
      out.push(
        policy(dnsLabel(`${s.name}-internal-egress`), labels, {
          podSelector: { matchLabels: s.selector },
          policyTypes: ['Egress'],
          egress: [
            { to: s.networks.map((n) => ({ podSelector: { matchLabels: { ...labels, [networkLabel(n)]: 'true' } } })) },
            DNS_EGRESS,
          ],
        }),
      );
  }
  return out;
}
