// depends_on.restart and the unsupported-key warnings as pure planning: stacks from inline Compose YAML, observed
// state as data, plans compared through renderPlan.
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/cli/render-plan.js';
import { serviceConfigHash, serviceKeyHashes } from '../../src/spec/config-hash.js';
import type { Stack } from '../../src/spec/model.js';
import { LABEL } from '../../src/planner/labels.js';
import type { Observed, ObservedContainer } from '../../src/planner/observed.js';
import { planUp } from '../../src/planner/plan.js';
import { stackOfText } from '../spec/load/helpers.js';

const IMAGE = 'sha256:aaaa';

const stackOf = (db: string, extra = ''): Stack =>
  stackOfText(`
name: shop
services:
  web:
    image: busybox:1
    depends_on:
      api: { condition: service_started, restart: true }
  api:
    image: busybox:1
    depends_on:
      db: { condition: service_healthy, restart: true }
      cache: { condition: service_started }
  worker:
    image: busybox:1
    depends_on: [db]
  cache:
    image: busybox:1
  db:
    image: busybox:1
    environment: { VERSION: '${db}' }
    healthcheck: { test: ['CMD', 'true'], interval: 1s }
${extra}`);

/** A running container as `up` made it for `service` of `stack`. */
function running(stack: Stack, service: string): ObservedContainer {
  const s = stack.services[service]!;
  return {
    id: service.padEnd(64, '0'),
    name: `shop-${service}-1`,
    service,
    number: 1,
    oneoff: false,
    configHash: serviceConfigHash(s),
    imageId: IMAGE,
    state: 'running',
    labels: {
      [LABEL.project]: 'shop',
      [LABEL.service]: service,
      [LABEL.keyHashes]: JSON.stringify(serviceKeyHashes(s)),
    },
  };
}

/** What runs: every service of `stack` up to date, on the default network. */
function observedOf(stack: Stack): Observed {
  return {
    containers: Object.keys(stack.services).map((s) => running(stack, s)),
    networks: [{ id: 'n1', name: 'shop_default', labels: { [LABEL.project]: 'shop', [LABEL.network]: 'default' } }],
    volumes: [],
  };
}

const imageIds = { web: IMAGE, api: IMAGE, worker: IMAGE, cache: IMAGE, db: IMAGE };

describe('depends_on restart: true', () => {
  it('a recreated dependency restarts its restart:true dependents after it, transitively, and no one else', () => {
    const before = stackOf('1');
    const plan = planUp({ stack: stackOf('2'), observed: observedOf(before), imageIds });
    expect(renderPlan(plan)).toMatchInlineSnapshot(`
      "Plan for project shop:
        * container shop-api-1 (dependency db recreated)
        = container shop-cache-1
        ~ container shop-db-1 (environment)
        * container shop-web-1 (dependency api restarted)
        = container shop-worker-1
      0 to create, 1 to recreate, 0 to start, 2 to restart, 0 to remove, 2 unchanged
      "
    `);
    const byName = Object.fromEntries(plan.actions.map((a) => [a.name, a]));
    expect(byName['shop-api-1']!.after).toEqual(['container:db:1']);
    expect(byName['shop-web-1']!.after).toEqual(['container:api:1']);
  });

  it('an unchanged dependency restarts nothing, and --no-recreate keeps the dependency and its dependents', () => {
    const stack = stackOf('1');
    expect(planUp({ stack, observed: observedOf(stack), imageIds }).actions.map((a) => a.kind)).not.toContain(
      'restart',
    );
    const kept = planUp({ stack: stackOf('2'), observed: observedOf(stack), imageIds, options: { noRecreate: true } });
    expect(kept.actions.map((a) => a.kind)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('a dependent that is recreated itself is not also restarted', () => {
    const before = stackOf('1');
    const plan = planUp({
      stack: stackOf('2'),
      observed: observedOf(before),
      imageIds,
      options: { forceRecreate: true, services: ['api'] },
    });
    expect(renderPlan(plan)).toMatchInlineSnapshot(`
      "Plan for project shop:
        ~ container shop-api-1 (--force-recreate)
        ~ container shop-cache-1 (--force-recreate)
        ~ container shop-db-1 (--force-recreate)
      0 to create, 3 to recreate, 0 to start, 0 to remove, 0 unchanged
      "
    `);
  });
});

describe('unsupported keys', () => {
  it('are one warning per service, in the plan', () => {
    const stack = stackOfText(`
name: shop
services:
  web:
    image: busybox:1
    healthcheck: { test: ['CMD', 'true'], start_interval: 1s }
    use_api_socket: true
  api:
    image: busybox:1
`);
    const plan = planUp({ stack, observed: { containers: [], networks: [], volumes: [] }, imageIds });
    expect(plan.warnings).toMatchInlineSnapshot(`
      [
        "service "web": use_api_socket, healthcheck.start_interval are not supported and will be ignored",
      ]
    `);
  });
});
