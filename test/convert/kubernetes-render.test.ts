// The text forms: one YAML stream with "---" before each document, and file names for -o that keep apply order.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { objectFileNames, renderYamlStream } from '../../src/convert/kubernetes/render.js';
import { convertText } from './helpers.js';

describe('kubernetes rendering', () => {
  const c = convertText('services:\n  cache: { image: "redis:7", expose: ["6379"] }\n');

  it('prints the objects as one YAML stream', () => {
    expect(renderYamlStream(c.objects.slice(0, 2))).toMatchInlineSnapshot(`
      "---
      apiVersion: v1
      kind: Service
      metadata:
        name: cache
        labels:
          app.kubernetes.io/part-of: p
          app.kubernetes.io/managed-by: berth
      spec:
        selector:
          app.kubernetes.io/part-of: p
          app.kubernetes.io/managed-by: berth
          app.kubernetes.io/name: cache
        ports:
          - name: tcp-6379
            port: 6379
            targetPort: 6379
            protocol: TCP
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: cache
        labels:
          app.kubernetes.io/part-of: p
          app.kubernetes.io/managed-by: berth
          app.kubernetes.io/name: cache
      spec:
        replicas: 1
        selector:
          matchLabels:
            app.kubernetes.io/part-of: p
            app.kubernetes.io/managed-by: berth
            app.kubernetes.io/name: cache
        template:
          metadata:
            labels:
              network.berth.io/default: 'true'
              app.kubernetes.io/part-of: p
              app.kubernetes.io/managed-by: berth
              app.kubernetes.io/name: cache
          spec:
            containers:
              - name: cache
                image: 'redis:7'
                ports:
                  - containerPort: 6379
                    protocol: TCP
      "
    `);
  });

  it('names files by apply order, kind and name', () => {
    expect(objectFileNames(c.objects)).toEqual([
      '01-service-cache.yaml',
      '02-deployment-cache.yaml',
      '03-networkpolicy-p-default-deny.yaml',
      '04-networkpolicy-p-network-default.yaml',
    ]);
  });

  it('reads back as the same objects under YAML 1.1, as the YAML reader of Kubernetes does (quoted "yes", "0123"...)', () => {
    const tricky = ['yes', 'on', 'No', '0123', '1e3', '~', 'null', '0x1F', '1:20', '2001-12-14', '- a', '#x', "'q'"];
    const env = tricky.map((v, i) => `V${i}: ${JSON.stringify(v)}`).join(', ');
    const t = convertText(`services:\n  a: { image: x, environment: { ${env} } }\n`);
    const docs = parseAllDocuments(renderYamlStream(t.objects), { version: '1.1' }).map((d) => d.toJS());
    expect(docs).toEqual(t.objects);
  });
});
