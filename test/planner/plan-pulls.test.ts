// Pull decisions as pure functions on data: Compose's mustPull per policy, the time-based policies against the
// image's last pull time, one pull per image, and pull actions leading the plan with containers waiting for them.
import { describe, expect, it } from 'vitest';
import { planPulls, pullReason } from '../../src/planner/plan-pulls.js';
import { planUp } from '../../src/planner/plan.js';
import { renderPlan } from '../../src/cli/render-plan.js';
import { stackOfText } from '../spec/load/helpers.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-03T12:00:00Z');

describe('pullReason', () => {
  const present = { present: true as const, lastTagTime: NOW - 2 * HOUR };
  it('must pull always, never with never or build, and only a missing image with missing', () => {
    expect(pullReason({ kind: 'always' }, present, NOW)).toBe('policy always');
    expect(pullReason({ kind: 'never' }, { present: false }, NOW)).toBeUndefined();
    expect(pullReason({ kind: 'build' }, { present: false }, NOW)).toBeUndefined();
    expect(pullReason({ kind: 'missing' }, present, NOW)).toBeUndefined();
    expect(pullReason({ kind: 'missing' }, { present: false }, NOW)).toBe('missing');
  });

  it('must pull with a refresh policy once the last pull is older than the period, and not before', () => {
    expect(pullReason({ kind: 'refresh', everyMs: HOUR }, present, NOW)).toBe('last pulled 2h ago');
    expect(pullReason({ kind: 'refresh', everyMs: 3 * HOUR }, present, NOW)).toBeUndefined();
    expect(pullReason({ kind: 'refresh', everyMs: HOUR }, { present: false }, NOW)).toBe('missing');
    expect(pullReason({ kind: 'refresh', everyMs: HOUR }, { present: true }, NOW)).toBe('last pull time unknown');
  });
});

const STACK = `
name: shop
services:
  web: {image: "reg.example:5000/web:1", pull_policy: always, depends_on: [api]}
  api: {image: "reg.example:5000/api:1", pull_policy: daily}
  worker: {image: "reg.example:5000/api:1"}
  local: {image: "reg.example:5000/local:1", build: ., pull_policy: always}
  pinned: {image: "busybox:1", pull_policy: never}
`;

describe('planPulls', () => {
  const stack = stackOfText(STACK);
  const services = ['api', 'local', 'pinned', 'web', 'worker'];
  const images = {
    'reg.example:5000/web:1': { present: true as const, lastTagTime: NOW },
    'reg.example:5000/api:1': { present: true as const, lastTagTime: NOW - 25 * HOUR },
  };

  it('must pull each image once, by its first service, and never pull an image that is built', () => {
    const pulls = planPulls({ stack, services, images, now: NOW });
    expect(pulls.map((a) => [a.ref, a.service, a.reason])).toEqual([
      ['reg.example:5000/api:1', 'api', 'last pulled 1d ago'],
      ['reg.example:5000/web:1', 'web', 'policy always'],
    ]);
  });

  it('must let up --pull replace the policies of services that are not built', () => {
    expect(planPulls({ stack, services, images, now: NOW, override: 'never' })).toEqual([]);
    const all = planPulls({ stack, services, images: {}, now: NOW, override: 'missing' });
    expect(all.map((a) => a.ref)).toEqual(['reg.example:5000/api:1', 'busybox:1', 'reg.example:5000/web:1']);
  });

  it('must lead the plan with the pulls, and the containers of their services must wait for them', () => {
    const pulls = planPulls({ stack, services: ['api', 'web'], images, now: NOW });
    const plan = planUp({
      stack,
      observed: { containers: [], networks: [], volumes: [] },
      imageIds: {},
      pulls,
      options: { services: ['web'] },
    });
    const pullOf = (ref: string) => plan.actions.find((a) => a.kind === 'pull' && a.ref === ref)?.id;
    const createOf = (name: string) => plan.actions.find((a) => a.kind === 'create-container' && a.row.name === name);
    expect(createOf('shop-web-1')?.after).toContain(pullOf('reg.example:5000/web:1'));
    expect(createOf('shop-api-1')?.after).toContain(pullOf('reg.example:5000/api:1'));
    expect(renderPlan(plan)).toMatchInlineSnapshot(`
      "Plan for project shop:
        a1 < image reg.example:5000/api:1 (last pulled 1d ago)
        a2 < image reg.example:5000/web:1 (policy always)
        a3 + network shop_default (missing)
        a4 + container shop-api-1 (missing)  after a3, a1
        a5 > container shop-api-1 (created)  after a4
        a6 + container shop-web-1 (missing)  after a3, a2, a5
        a7 > container shop-web-1 (created)  after a6
      2 to pull, 3 to create, 0 to recreate, 0 to start, 0 to remove, 0 unchanged
      "
    `);
  });
});
