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
        a1 . container shop-db-1 (recreate)
        a2 ~ container shop-db-1 (changed: environment)  after a1
        a3 > container shop-db-1 (recreated)  after a2
        a4 ? wait container shop-db-1 (api waits for db healthy)  after a3
        a5 * container shop-api-1 (dependency db recreated)  after a4
        a6 * container shop-web-1 (dependency api restarted)  after a5
           = container shop-cache-1
           = container shop-worker-1
      0 to create, 1 to recreate, 0 to start, 2 to restart, 0 to remove, 2 unchanged
      "
    `);
    const restartOf = (name: string) => plan.actions.find((a) => a.kind === 'restart' && a.row.name === name)!;
    const waitOn = (service: string) => plan.actions.find((a) => a.kind === 'wait' && a.service === service)!;
    const dbStarted = plan.actions.find((a) => a.kind === 'start' && a.row.name === 'shop-db-1')!;
    expect(waitOn('db').after).toEqual([dbStarted.id]);
    expect(restartOf('shop-api-1').after).toEqual([waitOn('db').id]);
    expect(restartOf('shop-web-1').after).toEqual([restartOf('shop-api-1').id]);
  });

  it('an unchanged dependency restarts nothing, and --no-recreate keeps the dependency and its dependents', () => {
    const stack = stackOf('1');
    expect(planUp({ stack, observed: observedOf(stack), imageIds }).actions).toEqual([]);
    const kept = planUp({ stack: stackOf('2'), observed: observedOf(stack), imageIds, options: { noRecreate: true } });
    expect(kept.actions).toEqual([]);
    expect(kept.unchanged).toHaveLength(5);
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
        a1 . container shop-cache-1 (recreate)
        a2 ~ container shop-cache-1 (--force-recreate)  after a1
        a3 > container shop-cache-1 (recreated)  after a2
        a4 . container shop-db-1 (recreate)
        a5 ~ container shop-db-1 (--force-recreate)  after a4
        a6 > container shop-db-1 (recreated)  after a5
        a7 ? wait container shop-db-1 (api waits for db healthy)  after a6
        a8 . container shop-api-1 (recreate)  after a3, a7
        a9 ~ container shop-api-1 (--force-recreate)  after a8
        a10 > container shop-api-1 (recreated)  after a9
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
