// NetworkPolicies mirror Compose networks: evaluated here with Kubernetes' rules (a pod selected by no policy of a
// direction allows all in it; otherwise the union of the selecting policies' rules), pods may talk exactly when
// their services share a network, published ports admit anyone, and internal-only services send only to their
// networks' pods.
import { describe, expect, it } from 'vitest';
import type { Conversion, KubeObject } from '../../src/convert/kubernetes/types.js';
import type { Doc } from './helpers.js';
import { convertText } from './helpers.js';

type Labels = Record<string, string>;
const matches = (selector: { matchLabels?: Labels } | undefined, labels: Labels): boolean =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

function podLabels(c: Conversion): Map<string, Labels> {
  const workloads = c.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  return new Map(workloads.map((w) => [w.metadata.name, (w.spec as Doc).template.metadata.labels as Labels]));
}

function allowed(
  policies: KubeObject[],
  direction: 'Ingress' | 'Egress',
  self: Labels,
  peer: Labels | 'world',
  port: number,
): boolean {
  const selecting = policies.filter(
    (p) => matches((p.spec as Doc).podSelector, self) && (p.spec as Doc).policyTypes.includes(direction),
  );
  if (selecting.length === 0) return true;
  const key = direction === 'Ingress' ? 'ingress' : 'egress';
  const peers = direction === 'Ingress' ? 'from' : 'to';
  return selecting.some((p) =>
    ((p.spec as Doc)[key] ?? []).some((rule: Doc) => {
      const portOk = rule.ports === undefined || rule.ports.some((r: Doc) => r.port === port);
      const peerOk =
        rule[peers] === undefined ||
        (peer !== 'world' && rule[peers].some((q: Doc) => q.podSelector && matches(q.podSelector, peer)));
      return portOk && peerOk;
    }),
  );
}

/** Whether a connection from pod `from` (or the world) to pod `to` on `port` passes both pods' policies. */
function canConnect(c: Conversion, from: string | 'world', to: string, port = 80): boolean {
  const pods = podLabels(c);
  const policies = c.objects.filter((o) => o.kind === 'NetworkPolicy');
  const dst = pods.get(to) as Labels;
  const src = from === 'world' ? 'world' : (pods.get(from) as Labels);
  const out = src === 'world' || allowed(policies, 'Egress', src, dst, port);
  return out && allowed(policies, 'Ingress', dst, src, port);
}

describe('kubernetes network policies', () => {
  const c = convertText(`
services:
  web: { image: x, ports: ["8080:80"], networks: [front] }
  api: { image: x, networks: [front, back] }
  db: { image: x, networks: [back] }
  vault: { image: x, networks: [secure] }
  loner: { image: x }
networks:
  front: {}
  back: {}
  secure: { internal: true }
`);

  // On a port that is not published: a published one admits everyone (as in Compose, where any container reaches a
  // published port through the host's address).
  it('pods talk when their services share a network, and not otherwise', () => {
    const names = ['web', 'api', 'db', 'vault', 'loner'];
    const nets: Record<string, string[]> = {
      web: ['front'],
      api: ['front', 'back'],
      db: ['back'],
      vault: ['secure'],
      loner: ['default'],
    };
    for (const a of names)
      for (const b of names) {
        if (a === b) continue;
        const share = nets[a]?.some((n) => nets[b]?.includes(n)) ?? false;
        expect(canConnect(c, a, b, 5432), `${a} -> ${b}`).toBe(share);
      }
  });

  it('a published port admits any source on its target port only', () => {
    expect(canConnect(c, 'world', 'web', 80)).toBe(true);
    expect(canConnect(c, 'world', 'web', 81)).toBe(false);
    expect(canConnect(c, 'world', 'api', 80)).toBe(false);
    expect(canConnect(c, 'db', 'web', 80)).toBe(true);
  });

  it("a service on internal networks only sends to its networks' pods and to the cluster DNS", () => {
    const egress = c.objects.find((o) => o.metadata.name === 'vault-internal-egress');
    expect(egress?.kind).toBe('NetworkPolicy');
    expect(canConnect(c, 'vault', 'api')).toBe(false);
    expect((egress?.spec as Doc).egress[1].ports).toEqual([
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]);
    expect(c.objects.some((o) => o.metadata.name === 'api-internal-egress')).toBe(false);
  });
});
