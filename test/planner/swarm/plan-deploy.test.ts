// The deploy plan on data: a stack against what a swarm runs of it. `engineAfter` plays the swarm's part as
// dockerd 20.10 does it (it stores the spec with its own defaults filled in and ids beside names), so that
// "an unchanged re-deploy changes nothing" is checked against what an engine really gives back.
import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../src/client/swarm/service-spec.js';
import type { ObservedSwarmStack } from '../../../src/client/swarm/types.js';
import { planDeploy, type SwarmPlan } from '../../../src/planner/swarm/plan-deploy.js';
import { renderSwarmPlan, swarmPlanJson } from '../../../src/planner/swarm/render-plan.js';
import { stackOfText, yaml } from '../../spec/load/helpers.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

const STACK = yaml(
  'services:',
  '  web:',
  '    image: web:1',
  '    environment: {MODE: prod}',
  '    deploy: {replicas: 2}',
  '    secrets: [db_pw]',
  '    configs: [site]',
  '    networks: [front, back]',
  '  api:',
  '    image: api:1',
  '    networks: [back]',
  '  worker:',
  '    image: api:1',
  'secrets: {db_pw: {file: ./pw}}',
  'configs: {site: {file: ./site}}',
  'networks: {front: {}, back: {}}',
);
const IMAGES = { web: 'sha256:1111', api: 'sha256:2222', worker: 'sha256:2222' };
const CONTENTS = { secrets: { db_pw: b64('hunter2') }, configs: { site: b64('listen 80') } };

const empty: ObservedSwarmStack = { namespace: 'shop', services: [], secrets: [], configs: [], networks: [] };

function plan(
  text: string,
  observed: ObservedSwarmStack,
  extra: { prune?: boolean; contents?: typeof CONTENTS } = {},
): SwarmPlan {
  return planDeploy({
    stack: stackOfText(text, { projectName: 'shop' }),
    observed,
    images: IMAGES,
    contents: extra.contents ?? CONTENTS,
    prune: extra.prune,
  });
}

/** What the swarm holds after `p` is applied to `before`, as dockerd stores it. */
function engineAfter(before: ObservedSwarmStack, p: SwarmPlan): ObservedSwarmStack {
  const s = structuredClone(before);
  const labels = { 'com.docker.stack.namespace': 'shop' };
  for (const a of p.actions) {
    if (a.kind === 'create-network')
      s.networks.push({ id: `id-${a.resource}`, name: a.resource, driver: 'overlay', scope: 'swarm', labels });
    if (a.kind === 'create-secret') s.secrets.push({ id: `id-${a.resource}`, name: a.resource, labels });
    if (a.kind === 'create-config') s.configs.push({ id: `id-${a.resource}`, name: a.resource, labels });
    if (a.kind === 'create-service') s.services.push({ id: `id-${a.resource}`, version: 10, spec: stored(a.service) });
    if (a.kind === 'update-service') {
      const i = s.services.findIndex((x) => x.id === a.swarmId);
      s.services[i] = { id: a.swarmId, version: a.version + 5, spec: stored(a.service) };
    }
    if (a.kind === 'remove-service') s.services = s.services.filter((x) => x.id !== a.swarmId);
    if (a.kind === 'remove-secret') s.secrets = s.secrets.filter((x) => x.id !== a.swarmId);
    if (a.kind === 'remove-config') s.configs = s.configs.filter((x) => x.id !== a.swarmId);
    if (a.kind === 'remove-network') s.networks = s.networks.filter((x) => x.id !== a.swarmId);
  }
  return s;
}

/** dockerd 20.10's defaults, as `docker service inspect` shows them, and the ids of secrets and configs. */
function stored(spec: ServiceSpec): ServiceSpec {
  const copy = structuredClone(spec);
  const t = copy.TaskTemplate;
  const update = { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' };
  Object.assign(t, {
    ForceUpdate: 0,
    Runtime: 'container',
    Placement: t.Placement ?? {},
    Resources: t.Resources ?? {},
  });
  t.RestartPolicy = { Condition: 'any', Delay: 5e9, MaxAttempts: 0, ...t.RestartPolicy };
  Object.assign(t.ContainerSpec, {
    Isolation: 'default',
    DNSConfig: {},
    StopGracePeriod: t.ContainerSpec.StopGracePeriod ?? 10e9,
  });
  for (const r of t.ContainerSpec.Secrets ?? []) r.SecretID = `id-${r.SecretName}`;
  for (const r of t.ContainerSpec.Configs ?? []) r.ConfigID = `id-${r.ConfigName}`;
  copy.UpdateConfig = { ...update, ...copy.UpdateConfig };
  copy.RollbackConfig = { ...update, ...copy.RollbackConfig };
  return copy;
}

describe('a deploy plan', () => {
  it('on an empty swarm creates networks, secrets and configs before the services that use them', () => {
    const p = plan(STACK, empty);
    expect(renderSwarmPlan(p)).toMatchInlineSnapshot(`
      "Deploy plan for stack shop:
        + network shop_back (new network)
        + network shop_default (new network)
        + network shop_front (new network)
        + secret shop_db_pw-f52fbd32b2b3 (new secret)
        + config shop_site-a18fb33c7e42 (new config)
        + service shop_api (new service)
        + service shop_web (new service)
        + service shop_worker (new service)
      services: 3 to create, 0 to update, 0 to remove, 0 unchanged
      "
    `);
    const web = p.actions.find((a) => a.resource === 'shop_web');
    // back, front, the secret and the config; not shop_default, which only worker uses
    expect(web?.after).toEqual(['a1', 'a3', 'a4', 'a5']);
  });

  it('an unchanged re-deploy plans no action, against the spec as the engine stores it', () => {
    const first = plan(STACK, empty);
    const again = plan(STACK, engineAfter(empty, first));
    expect(again.actions).toEqual([]);
    expect(again.unchanged).toEqual(['shop_api', 'shop_web', 'shop_worker']);
  });

  it('an environment change updates only that service, naming the variable, at the version read', () => {
    const running = engineAfter(empty, plan(STACK, empty));
    const p = plan(STACK.replace('MODE: prod', 'MODE: staging'), running);
    expect(renderSwarmPlan(p)).toMatchInlineSnapshot(`
      "Deploy plan for stack shop:
        ~ service shop_web (changed: environment.MODE)
        = service shop_api
        = service shop_worker
      services: 0 to create, 1 to update, 0 to remove, 2 unchanged
      "
    `);
    expect(p.actions).toMatchObject([{ kind: 'update-service', swarmId: 'id-shop_web', version: 10 }]);
  });

  it('a key removed from the file is a change, though the engine keeps a default there', () => {
    const withPolicy = STACK.replace(
      '    image: api:1\n    networks: [back]',
      '    image: api:1\n    networks: [back]\n    deploy: {restart_policy: {condition: none}}',
    );
    const running = engineAfter(empty, plan(withPolicy, empty));
    expect(plan(withPolicy, running).actions).toEqual([]);
    expect(plan(STACK, running).actions).toMatchObject([
      { kind: 'update-service', resource: 'shop_api', changed: ['deploy.restart_policy'] },
    ]);
  });

  it('a new secret content is a new secret version: created, rolled out, the old one removed after', () => {
    const running = engineAfter(empty, plan(STACK, empty));
    const p = plan(STACK, running, { contents: { ...CONTENTS, secrets: { db_pw: b64('correct horse') } } });
    expect(renderSwarmPlan(p)).toMatchInlineSnapshot(`
      "Deploy plan for stack shop:
        + secret shop_db_pw-4104d36f8da2 (new content)
        ~ service shop_web (changed: secrets)
        - secret shop_db_pw-f52fbd32b2b3 (replaced by a new version)
        = service shop_api
        = service shop_worker
      services: 0 to create, 1 to update, 0 to remove, 2 unchanged
      "
    `);
    const [create, update, remove] = p.actions;
    expect(update?.after).toEqual([create?.id]);
    expect(remove?.after).toEqual([update?.id]);
  });

  it('removes services no longer in the file only with --prune, as destructive actions', () => {
    const running = engineAfter(empty, plan(STACK, empty));
    const without = STACK.replace(/ {2}worker:\n {4}image: api:1\n/, '');
    expect(plan(without, running).actions).toEqual([]);
    const pruned = plan(without, running, { prune: true });
    expect(renderSwarmPlan(pruned)).toMatchInlineSnapshot(`
      "Deploy plan for stack shop:
        - service shop_worker (--prune: no longer in the stack file)
        - network shop_default (--prune: no longer used by the stack)
        = service shop_api
        = service shop_web
      services: 0 to create, 0 to update, 1 to remove, 2 unchanged
      "
    `);
    expect(pruned.actions.every((a) => a.kind !== 'remove-service' || a.destructive)).toBe(true);
  });

  it('refuses a service without an image, with the code and a hint', () => {
    const stack = stackOfText(yaml('services:', '  web:', '    build: .'), { projectName: 'shop' });
    expect(() => planDeploy({ stack, observed: empty, images: {}, contents: CONTENTS })).toThrow(
      expect.objectContaining({
        code: 'PLAN_SWARM_INVALID',
        diagnostics: [
          expect.objectContaining({ code: 'PLAN_SWARM_NO_IMAGE', hint: expect.stringContaining('image:') }),
        ],
      }),
    );
  });

  it('never shows the content of a secret in the JSON plan', () => {
    const json = swarmPlanJson(plan(STACK, empty));
    expect(json).not.toContain(b64('hunter2'));
    expect(JSON.parse(json).actions.find((a: { kind: string }) => a.kind === 'create-secret').object.data).toBe(
      '(hidden)',
    );
  });
});
