// Golden plans of small stacks: the text `berth plan` prints and the JSON `berth plan --format json` prints,
// which is the very value `up` applies. Pure and synchronous: stacks from inline YAML, observed state as data.
import { describe, expect, it } from 'vitest';
import { planJson, renderPlan } from '../../src/cli/render-plan.js';
import { planDown, planUp } from '../../src/planner/plan.js';
import { planStart } from '../../src/planner/plan-start.js';
import { stackOfText } from '../spec/load/helpers.js';
import { NOTHING, imagesOf, observedOf } from './builders.js';

const SHOP_TEXT = `
name: shop
services:
  web:
    image: busybox:1
    depends_on: [api]
  api:
    image: busybox:1
    environment: { MODE: prod }
    depends_on:
      db: { condition: service_healthy, restart: true }
      migrate: { condition: service_completed_successfully }
      cache: { condition: service_started, required: false }
  migrate:
    image: busybox:1
    depends_on: { db: { condition: service_healthy } }
  cache:
    image: busybox:1
  db:
    image: busybox:1
    environment: { VERSION: '1' }
    volumes: ['data:/var/lib/db']
    healthcheck: { test: ['CMD', 'true'], interval: 1s }
volumes:
  data: {}
`;
const SHOP = stackOfText(SHOP_TEXT);

const up = (stack = SHOP, observed = NOTHING, options = {}) =>
  planUp({
    stack,
    observed,
    imageIds: imagesOf(stack),
    options,
    workingDir: '/srv/shop',
    configFiles: ['/srv/shop/compose.yaml'],
  });

describe('golden plans (text)', () => {
  it('a fresh stack: network and volume, then each service after what it depends on, with its waits', () => {
    expect(renderPlan(up())).toMatchInlineSnapshot(`
      "Plan for project shop:
        a1 + network shop_default (missing)
        a2 + volume shop_data (missing)
        a3 + container shop-cache-1 (missing)  after a1
        a4 > container shop-cache-1 (created)  after a3
        a5 + container shop-db-1 (missing)  after a1, a2
        a6 > container shop-db-1 (created)  after a5
        a7 ? wait container shop-db-1 (migrate waits for db healthy)  after a6
        a8 + container shop-migrate-1 (missing)  after a1, a7
        a9 > container shop-migrate-1 (created)  after a8
        a10 ? wait container shop-cache-1 (api waits for cache started (not required))  after a4
        a11 ? wait container shop-migrate-1 (api waits for migrate completed successfully)  after a9
        a12 + container shop-api-1 (missing)  after a1, a10, a7, a11
        a13 > container shop-api-1 (created)  after a12
        a14 + container shop-web-1 (missing)  after a1, a13
        a15 > container shop-web-1 (created)  after a14
      7 to create, 0 to recreate, 0 to start, 0 to remove, 0 unchanged
      "
    `);
  });

  it('an unchanged stack: nothing to do', () => {
    expect(renderPlan(up(SHOP, observedOf(SHOP)))).toMatchInlineSnapshot(`
      "Plan for project shop:
           = container shop-cache-1
           = container shop-db-1
           = container shop-migrate-1
           = container shop-api-1
           = container shop-web-1
      0 to create, 0 to recreate, 0 to start, 0 to remove, 5 unchanged
      "
    `);
  });

  it('a changed db: recreated in place, its dependents with restart: true restarted after its wait', () => {
    const next = stackOfText(SHOP_TEXT.replace("VERSION: '1'", "VERSION: '2'"));
    expect(renderPlan(up(next, observedOf(SHOP)))).toMatchInlineSnapshot(`
      "Plan for project shop:
        a1 . container shop-db-1 (recreate)
        a2 ~ container shop-db-1 (changed: environment)  after a1
        a3 > container shop-db-1 (recreated)  after a2
        a4 ? wait container shop-db-1 (api waits for db healthy)  after a3
        a5 * container shop-api-1 (dependency db recreated)  after a4
           = container shop-cache-1
           = container shop-migrate-1
           = container shop-web-1
      0 to create, 1 to recreate, 0 to start, 1 to restart, 0 to remove, 3 unchanged
      "
    `);
  });

  it('down: with no depends_on, every stop comes after nothing, and each removal after its own stop only', () => {
    const flat = stackOfText('name: flat\nservices:\n  a: { image: busybox:1 }\n  b: { image: busybox:1 }\n');
    expect(renderPlan(planDown(flat, observedOf(flat)))).toMatchInlineSnapshot(`
      "Plan for project flat:
        a1 . container flat-b-1 (down)
        a2 - container flat-b-1 (down)  after a1
        a3 . container flat-a-1 (down)
        a4 - container flat-a-1 (down)  after a3
        a5 - network flat_default (down)  after a2, a4
      0 to create, 0 to recreate, 0 to start, 3 to remove, 0 unchanged
      "
    `);
  });

  it('down: a dependent stops before what it depends on; removals overlap; then the network; the volume only with volumes', () => {
    expect(renderPlan(planDown(SHOP, observedOf(SHOP), { volumes: true }))).toMatchInlineSnapshot(`
      "Plan for project shop:
        a1 . container shop-web-1 (down)
        a2 - container shop-web-1 (down)  after a1
        a3 . container shop-api-1 (down)  after a1
        a4 - container shop-api-1 (down)  after a3
        a5 . container shop-migrate-1 (down)  after a3
        a6 - container shop-migrate-1 (down)  after a5
        a7 . container shop-db-1 (down)  after a3, a5
        a8 - container shop-db-1 (down)  after a7
        a9 . container shop-cache-1 (down)  after a3
        a10 - container shop-cache-1 (down)  after a9
        a11 - network shop_default (down)  after a2, a4, a6, a8, a10
        a12 - volume shop_data (down --volumes)  after a2, a4, a6, a8, a10
      0 to create, 0 to recreate, 0 to start, 7 to remove, 0 unchanged
      "
    `);
  });

  it('start: stopped containers after the conditions of what they depend on', () => {
    const observed = observedOf(SHOP);
    observed.containers = observed.containers.map((c) => (c.service === 'db' ? c : { ...c, state: 'exited' }));
    expect(renderPlan(planStart(SHOP, observed).plan)).toMatchInlineSnapshot(`
      "Plan for project shop:
        a1 > container shop-cache-1 (exited)
        a2 ? wait container shop-db-1 (migrate waits for db healthy)
        a3 > container shop-migrate-1 (exited)  after a2
        a4 ? wait container shop-cache-1 (api waits for cache started (not required))  after a1
        a5 ? wait container shop-migrate-1 (api waits for migrate completed successfully)  after a3
        a6 > container shop-api-1 (exited)  after a4, a2, a5
        a7 > container shop-web-1 (exited)  after a6
           = container shop-db-1
      0 to create, 0 to recreate, 4 to start, 0 to remove, 1 unchanged
      "
    `);
  });
});

describe('golden plans (JSON)', () => {
  it('network_mode service: leaves the id of the container this plan creates to the action that makes it', async () => {
    const stack = stackOfText(`
name: pair
services:
  app:
    image: busybox:1
    command: [sleep, '1000']
  sidecar:
    image: busybox:1
    network_mode: service:app
    volumes_from: [app]
`);
    await expect(planJson(up(stack))).toMatchFileSnapshot('golden/pair-fresh.json');
  });
});
