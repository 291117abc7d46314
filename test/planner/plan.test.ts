// The planner as a pure function: stacks loaded from real Compose YAML, observed state as data, plans compared.
import { describe, expect, it } from 'vitest';
import type { Stack } from '../../src/spec/model.js';
import type { Observed } from '../../src/planner/observed.js';
import type { Action, Plan } from '../../src/planner/plan.js';
import { changedKeys, planDown, planUp, selectServices } from '../../src/planner/plan.js';
import { IMAGE, NOTHING, observedOf, running } from './builders.js';
import { stackOfText } from '../spec/load/helpers.js';

const STACK = `
name: shop
services:
  web:
    image: busybox:1
    ports: ['8080:80']
    depends_on: [api]
  api:
    image: busybox:1
    environment: { MODE: prod }
    depends_on:
      db: { condition: service_healthy }
  db:
    image: busybox:1
    volumes: ['data:/var/lib/db']
    healthcheck: { test: ['CMD', 'true'], interval: 1s }
volumes:
  data: {}
`;

const images = { web: IMAGE, api: IMAGE, db: IMAGE };

function upToDate(stack: Stack): Observed {
  return observedOf(stack, ['web', 'api', 'db']);
}

const kinds = (plan: Plan): string[] => plan.actions.map((a) => `${a.kind} ${a.row.name}`);
const changing = (plan: Plan): Action[] => plan.actions.filter((a) => a.kind !== 'wait');

describe('planUp', () => {
  it('plans a fresh stack: network and volume first, then one container per service after them', () => {
    const stack = stackOfText(STACK);
    const plan = planUp({ stack, observed: { containers: [], networks: [], volumes: [] }, imageIds: images });
    expect(kinds(plan)).toEqual([
      'create-network shop_default',
      'create-volume shop_data',
      'create-container shop-db-1',
      'start shop-db-1',
      'wait shop-db-1',
      'create-container shop-api-1',
      'start shop-api-1',
      'create-container shop-web-1',
      'start shop-web-1',
    ]);
    const [network, volume, db, dbStarted, dbHealthy, api, apiStarted, web] = plan.actions;
    expect(db!.after).toEqual([network!.id, volume!.id]);
    expect(dbHealthy).toMatchObject({ kind: 'wait', service: 'db', condition: 'service_healthy', required: true });
    expect(dbHealthy!.after).toEqual([dbStarted!.id]);
    expect(api!.after).toEqual([network!.id, dbHealthy!.id]);
    expect(web!.after).toEqual([network!.id, apiStarted!.id]);
  });

  it('an unchanged stack plans no change at all', () => {
    const stack = stackOfText(STACK);
    const plan = planUp({ stack, observed: upToDate(stack), imageIds: images });
    expect(plan.actions).toEqual([]);
    expect(plan.unchanged.map((u) => u.name)).toEqual(['shop-db-1', 'shop-api-1', 'shop-web-1']);
  });

  it('a changed environment recreates that service alone and names the key', () => {
    const before = stackOfText(STACK);
    const after = stackOfText(STACK.replace('MODE: prod', 'MODE: test'));
    const plan = planUp({ stack: after, observed: upToDate(before), imageIds: images });
    // api waits for db to be healthy before it is replaced, as it did when it was first created
    expect(kinds(plan)).toEqual([
      'wait shop-db-1',
      'stop shop-api-1',
      'create-container shop-api-1',
      'start shop-api-1',
    ]);
    expect(plan.actions[2]).toMatchObject({ replaces: running(before, 'api').id, reason: 'changed: environment' });
  });

  it('key order, anchors and comments do not count as changes', () => {
    const before = stackOfText(STACK);
    const reordered = stackOfText(`
name: shop
x-img: &img busybox:1
services:
  db:   # the database
    healthcheck: { interval: 1s, test: ['CMD', 'true'] }
    volumes: ['data:/var/lib/db']
    image: *img
  api:
    depends_on: { db: { condition: service_healthy } }
    environment: [MODE=prod]
    image: *img
  web:
    depends_on: [api]
    ports: ['8080:80']
    image: *img
volumes:
  data:
`);
    const plan = planUp({ stack: reordered, observed: upToDate(before), imageIds: images });
    expect(plan.actions).toEqual([]);
    expect(plan.unchanged).toHaveLength(3);
  });

  it('a new image ID recreates with reason image; --force-recreate recreates all; --no-recreate none', () => {
    const stack = stackOfText(STACK);
    const newImage = planUp({ stack, observed: upToDate(stack), imageIds: { ...images, web: 'sha256:bbbb' } });
    expect(newImage.actions.find((a) => a.kind === 'create-container')).toMatchObject({
      row: { name: 'shop-web-1' },
      reason: 'changed: image',
    });
    const forced = planUp({ stack, observed: upToDate(stack), imageIds: images, options: { forceRecreate: true } });
    const recreated = forced.actions.filter((a) => a.kind === 'create-container' && a.replaces !== undefined);
    expect(recreated.map((a) => a.row.name)).toEqual(['shop-db-1', 'shop-api-1', 'shop-web-1']);
    const changed = stackOfText(STACK.replace('MODE: prod', 'MODE: x'));
    const kept = planUp({ stack: changed, observed: upToDate(stack), imageIds: images, options: { noRecreate: true } });
    expect(kept.actions).toEqual([]);
  });

  it('a stopped container is started, not recreated', () => {
    const stack = stackOfText(STACK);
    const observed = upToDate(stack);
    observed.containers[1] = { ...observed.containers[1]!, state: 'exited' };
    const plan = planUp({ stack, observed, imageIds: images });
    expect(changing(plan).map((a) => `${a.kind} ${a.row.name} ${a.reason}`)).toEqual(['start shop-api-1 exited']);
  });

  it('an orphan warns, and is removed with removeOrphans', () => {
    const stack = stackOfText(STACK);
    const observed = upToDate(stack);
    observed.containers.push(running(stack, 'web', 1, { service: 'old', name: 'shop-old-1', id: 'f'.repeat(64) }));
    const warned = planUp({ stack, observed, imageIds: images });
    expect(warned.warnings[0]).toMatch(/Found orphan containers \(\[shop-old-1\]\)/);
    expect(warned.actions.some((a) => a.kind === 'remove-container')).toBe(false);
    const removed = planUp({ stack, observed, imageIds: images, options: { removeOrphans: true } });
    expect(removed.actions.find((a) => a.kind === 'remove-container')).toMatchObject({
      row: { name: 'shop-old-1' },
      reason: 'orphan',
    });
  });

  it('--scale adds containers with the next numbers and removes the highest ones', () => {
    const stack = stackOfText(STACK);
    const up = planUp({ stack, observed: upToDate(stack), imageIds: images, options: { scale: { web: 3 } } });
    const created = up.actions.filter((a) => a.kind === 'create-container').map((a) => a.row.name);
    expect(created).toEqual(['shop-web-2', 'shop-web-3']);
    const observed = upToDate(stack);
    observed.containers.push(running(stack, 'web', 2), running(stack, 'web', 3));
    const down = planUp({ stack, observed, imageIds: images, options: { scale: { web: 1 } } });
    const removed = down.actions.filter((a) => a.kind === 'remove-container').map((a) => `${a.row.name} ${a.reason}`);
    expect(removed).toEqual(['shop-web-2 scale', 'shop-web-3 scale']);
  });

  it('a recreate cut short after its create: the replica-named new container stays, the renamed old one goes', () => {
    const before = stackOfText(STACK);
    const after = stackOfText(STACK.replace('MODE: prod', 'MODE: test'));
    const old = running(before, 'api', 1, { name: `${'a'.repeat(12)}_shop-api-1`, id: 'a'.repeat(64) });
    const made = { ...running(after, 'api', 1), id: 'b'.repeat(64), state: 'created' };
    for (const scale of [1, 2]) {
      // listed in either order: the engine's order is no rule
      for (const pair of [
        [old, made],
        [made, old],
      ]) {
        const observed = upToDate(before);
        observed.containers = [...observed.containers.filter((c) => c.service !== 'api'), ...pair];
        const plan = planUp({ stack: after, observed, imageIds: images, options: { scale: { api: scale } } });
        const seen = changing(plan).map((a) => `${a.kind} ${a.row.name} ${a.reason}`);
        expect(seen).toEqual([
          `remove-container ${old.name} replaced`,
          'start shop-api-1 created',
          ...(scale === 2 ? ['create-container shop-api-2 missing', 'start shop-api-2 created'] : []),
        ]);
        const start = plan.actions.find((a) => a.kind === 'start');
        expect(start?.kind === 'start' && start.container).toEqual({ id: made.id });
      }
    }
  });

  it('naming a service selects what it depends on, unless noDeps', () => {
    const stack = stackOfText(STACK);
    expect(selectServices(stack, ['web'])).toEqual(['api', 'db', 'web']);
    expect(selectServices(stack, ['web'], true)).toEqual(['web']);
    expect(selectServices(stack, [])).toEqual(['api', 'db', 'web']);
  });

  it('changedKeys names added, removed and changed keys, and "config" when the old ones are unknown', () => {
    expect(changedKeys({ a: '1', b: '2' }, { a: '1', b: '3', c: '4' })).toEqual(['b', 'c']);
    expect(changedKeys({ a: '1', gone: '2' }, { a: '1' })).toEqual(['gone']);
    expect(changedKeys(undefined, { a: '1' })).toEqual(['config']);
  });
});

describe('planDown', () => {
  it('stops dependents before their dependencies, removes each after its stop, then networks; volumes only with volumes', () => {
    const stack = stackOfText(STACK);
    const plan = planDown(stack, upToDate(stack));
    const stopOf = (name: string) => plan.actions.find((a) => a.kind === 'stop' && a.row.name === name)!;
    const removeOf = (name: string) => plan.actions.find((a) => a.kind === 'remove-container' && a.row.name === name)!;
    const byName = new Map(plan.actions.map((a) => [a.row.name, a]));
    expect(stopOf('shop-db-1').after).toEqual([stopOf('shop-api-1').id]);
    expect(stopOf('shop-api-1').after).toEqual([stopOf('shop-web-1').id]);
    expect(stopOf('shop-web-1').after).toEqual([]);
    for (const c of ['shop-db-1', 'shop-api-1', 'shop-web-1']) expect(removeOf(c).after).toEqual([stopOf(c).id]);
    expect(byName.get('shop_default')).toMatchObject({ kind: 'remove-network' });
    expect(byName.has('shop_data')).toBe(false);
    expect(planDown(stack, upToDate(stack), { volumes: true }).actions.some((a) => a.row.name === 'shop_data')).toBe(
      true,
    );
  });

  it('removes the containers of services whose profile is not enabled, which are no orphans', () => {
    const stack = stackOfText(
      STACK.replace('services:\n', 'services:\n  debug:\n    image: busybox:1\n    profiles: [debug]\n'),
    );
    expect(stack.disabledServices).toContain('debug');
    const observed = upToDate(stack);
    observed.containers.push(running(stack, 'web', 1, { service: 'debug', name: 'shop-debug-1', id: 'e'.repeat(64) }));
    const plan = planDown(stack, observed);
    expect(plan.actions.find((a) => a.row.name === 'shop-debug-1')).toMatchObject({ kind: 'remove-container' });
    expect(plan.warnings).toEqual([]);
  });

  it('leaves orphans (with a warning) unless removeOrphans', () => {
    const stack = stackOfText(STACK);
    const observed = upToDate(stack);
    observed.containers.push(running(stack, 'web', 1, { service: 'old', name: 'shop-old-1', id: 'f'.repeat(64) }));
    const plan = planDown(stack, observed);
    expect(plan.actions.some((a) => a.row.name === 'shop-old-1')).toBe(false);
    expect(plan.warnings[0]).toMatch(/orphan/);
    expect(planDown(stack, observed, { removeOrphans: true }).actions.some((a) => a.row.name === 'shop-old-1')).toBe(
      true,
    );
  });
});

describe('planUp for run', () => {
  it('skipContainers leaves the service to run alone but plans its networks and waits for its dependencies', () => {
    const stack = stackOfText(STACK);
    const plan = planUp({
      stack,
      observed: NOTHING,
      imageIds: images,
      options: { services: ['api'], skipContainers: ['api'] },
    });
    expect(plan.actions.map((a) => `${a.kind} ${a.row.name}`)).toEqual([
      'create-network shop_default',
      'create-volume shop_data',
      'create-container shop-db-1',
      'start shop-db-1',
      'wait shop-db-1',
    ]);
    expect(plan.actions[4]).toMatchObject({
      service: 'db',
      condition: 'service_healthy',
      after: [plan.actions[3]!.id],
    });
  });
});
