// The schema check the conversion tests rely on must itself refuse what the API would: a wrong type, a missing
// required field, an unknown field at any depth, an unknown kind.
import { describe, expect, it } from 'vitest';
import { kubernetesSchemaErrors } from './kubernetes-schema.js';

const deployment = (container: Record<string, unknown>, podExtra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'x', labels: { a: 'b' } },
  spec: {
    selector: { matchLabels: { a: 'b' } },
    template: { metadata: { labels: { a: 'b' } }, spec: { containers: [container], ...podExtra } },
  },
});

describe('the Kubernetes schema check', () => {
  it('accepts a valid Deployment', () => {
    const ok = deployment({ name: 'c', image: 'i', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'b' }] });
    expect(kubernetesSchemaErrors(ok)).toEqual([]);
  });

  it('refuses a wrong type and a missing required field', () => {
    const errors = kubernetesSchemaErrors(deployment({ image: 'i', ports: [{ containerPort: '80' }] }));
    expect(errors).toContainEqual(
      expect.stringMatching(/^\/spec\/template\/spec\/containers\/0\/ports\/0\/containerPort: /),
    );
    expect(errors).toContainEqual(expect.stringMatching(/^\/spec\/template\/spec\/containers\/0: .*name/));
  });

  it('refuses unknown fields at any depth, as kubectl apply does', () => {
    const errors = kubernetesSchemaErrors(deployment({ name: 'c', image: 'i', bogus: 1 }, { initContainer: [] }));
    expect(errors).toEqual([
      '/spec/template/spec/initContainer: not a field of the schema',
      '/spec/template/spec/containers/0/bogus: not a field of the schema',
    ]);
  });

  it('refuses a kind it has no schema for', () => {
    expect(kubernetesSchemaErrors({ apiVersion: 'v1', kind: 'Nonsense', metadata: { name: 'x' } })).toEqual([
      'no schema for v1 Nonsense',
    ]);
  });
});
