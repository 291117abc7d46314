// planStart on data: which containers start, which only stand as dependencies, and which services have none.
import { describe, expect, it } from 'vitest';
import type { ObservedContainer } from '../../src/planner/observed.js';
import { planStart } from '../../src/planner/plan-start.js';
import { stackOfText } from '../spec/load/helpers.js';

const stack = stackOfText(`
name: shop
services:
  db: { image: busybox, healthcheck: { test: ['CMD', 'true'] } }
  migrate: { image: busybox, depends_on: { db: { condition: service_healthy } } }
  api: { image: busybox, depends_on: { migrate: { condition: service_completed_successfully } } }
  web: { image: busybox }
`);

function container(service: string, state: string, over: Partial<ObservedContainer> = {}): ObservedContainer {
  return {
    id: `${service}-id`,
    name: `shop-${service}-1`,
    service,
    number: 1,
    oneoff: false,
    configHash: '',
    imageId: '',
    state,
    labels: {},
    ...over,
  };
}

const observed = (containers: ObservedContainer[]) => ({ containers, networks: [], volumes: [] });

describe('planStart', () => {
  it('starts stopped containers and keeps running ones as dependencies to wait for', () => {
    const { plan, missing } = planStart(
      stack,
      observed([container('db', 'running'), container('migrate', 'exited'), container('api', 'created')]),
      ['api'],
    );
    expect(plan.actions.map((a) => `${a.kind} ${a.row.name}`)).toEqual([
      'wait shop-db-1',
      'start shop-migrate-1',
      'wait shop-migrate-1',
      'start shop-api-1',
    ]);
    const [dbHealthy, migrate, migrated, api] = plan.actions;
    expect(dbHealthy).toMatchObject({ condition: 'service_healthy', containers: [{ container: { id: 'db-id' } }] });
    expect(migrate!.after).toEqual([dbHealthy!.id]);
    expect(migrated).toMatchObject({ condition: 'service_completed_successfully', after: [migrate!.id] });
    expect(api!.after).toEqual([migrated!.id]);
    expect(plan.unchanged.map((u) => u.name)).toEqual(['shop-db-1']);
    expect(missing).toEqual([]);
  });

  it('all services without names; a service with no container is reported, one-off containers are left alone', () => {
    const { plan, missing } = planStart(
      stack,
      observed([
        container('db', 'exited'),
        container('db', 'exited', { id: 'run-id', name: 'shop-db-run-1', oneoff: true }),
        container('web', 'paused'),
      ]),
    );
    expect(plan.actions.map((a) => `${a.kind} ${a.row.name}`)).toEqual(['start shop-db-1']);
    expect(plan.unchanged.map((u) => u.name)).toEqual(['shop-web-1']);
    expect(missing).toEqual(['api', 'migrate']);
  });
});
