// applyPlan on the in-memory engine (src/client/memory, held to the same contract suite as berthd and dockerd):
// plans made by the real planner from inline stacks, applied, and the engine's state and calls read back.
import { describe, expect, it } from 'vitest';
import { memoryEngine } from '../../src/client/memory/memory-engine.js';
import { engineError } from '../../src/client/memory/state.js';
import { observeProject } from '../../src/client/observe.js';
import type { MemoryEngine } from '../../src/client/memory/memory-engine.js';
import type { EngineClient } from '../../src/client/types.js';
import type { ApplyEvent } from '../../src/planner/apply.js';
import { applyPlan } from '../../src/planner/apply.js';
import type { Plan } from '../../src/planner/plan.js';
import { planDown, planUp } from '../../src/planner/plan.js';
import type { Stack } from '../../src/spec/model.js';
import { renderPlan } from '../../src/cli/render-plan.js';
import { stackOfText } from '../spec/load/helpers.js';

const SHOP = `
name: shop
services:
  web: { image: busybox:1, depends_on: [api] }
  api:
    image: busybox:1
    environment: { MODE: prod }
    depends_on: { db: { condition: service_healthy } }
  db:
    image: busybox:1
    volumes: ['data:/var/lib/db']
    healthcheck: { test: ['CMD', 'true'], interval: 1s }
volumes:
  data: {}
`;

const observe = observeProject;

async function planOf(engine: EngineClient, stack: Stack, options = {}): Promise<Plan> {
  const image = await engine.images.inspect('busybox:1');
  const imageIds = Object.fromEntries(Object.keys(stack.services).map((s) => [s, image?.id]));
  return planUp({ stack, observed: await observe(engine, stack.name), imageIds, options, workingDir: '/srv' });
}

/** Plays the containers' health checks: a container that is waited on for health turns healthy. */
function healthyWhenWaited(engine: MemoryEngine, events: ApplyEvent[] = []): (e: ApplyEvent) => void {
  return (e) => {
    events.push(e);
    if (e.text === 'Waiting') setTimeout(() => engine.setHealth(e.row.name, 'healthy'), 5);
  };
}

/** Applies the stack's plan on the fake, each awaited service turning healthy as it is waited for. */
async function upHealthy(engine: MemoryEngine, stack: Stack): Promise<void> {
  await applyPlan(await planOf(engine, stack), { client: engine, pollMs: 2 }, { onStatus: healthyWhenWaited(engine) });
}

// busybox whose command runs until it is stopped (or the test ends it), as a server does
const fresh = (): MemoryEngine => memoryEngine({ images: { 'busybox:1': { config: { Cmd: ['sleep', '1000'] } } } });

describe('applyPlan', () => {
  it('must create networks and volumes first, then each service after the conditions of what it depends on', async () => {
    const engine = fresh();
    const events: ApplyEvent[] = [];
    const result = await applyPlan(
      await planOf(engine, stackOfText(SHOP)),
      { client: engine, pollMs: 2 },
      { onStatus: healthyWhenWaited(engine, events) },
    );
    expect(result.failed).toEqual([]);
    expect(engine.calls.map((c) => `${c.op} ${c.target}`)).toEqual([
      'networks.create shop_default',
      'volumes.create shop_data',
      'containers.create shop-db-1',
      'containers.start shop-db-1',
      'containers.create shop-api-1',
      'containers.start shop-api-1',
      'containers.create shop-web-1',
      'containers.start shop-web-1',
    ]);
    const db = events.filter((e) => e.row.name === 'shop-db-1' && e.status !== 'waiting').map((e) => e.text);
    expect(db).toEqual(['Creating', 'Started', 'Waiting', 'Healthy']);
    expect(Object.keys(result.containers).sort()).toEqual(['shop-api-1', 'shop-db-1', 'shop-web-1']);
  });

  it('an unchanged up must make no changing call', async () => {
    const engine = fresh();
    const stack = stackOfText(SHOP);
    await upHealthy(engine, stack);
    const before = engine.calls.length;
    const again = await planOf(engine, stack);
    expect(again.actions).toEqual([]);
    const result = await applyPlan(again, { client: engine });
    expect(engine.calls.slice(before)).toEqual([]);
    expect(Object.keys(result.containers).sort()).toEqual(['shop-api-1', 'shop-db-1', 'shop-web-1']);
  });

  it('a recreate must rename the old container, create the new one under its name, remove the old, then start', async () => {
    const engine = fresh();
    await applyPlan(
      await planOf(engine, stackOfText(SHOP)),
      { client: engine, pollMs: 2 },
      {
        onStatus: healthyWhenWaited(engine),
      },
    );
    const old = (await engine.containers.inspect('shop-api-1'))!.id;
    const before = engine.calls.length;
    const changed = stackOfText(SHOP.replace('MODE: prod', 'MODE: test'));
    const events: ApplyEvent[] = [];
    const result = await applyPlan(
      await planOf(engine, changed),
      { client: engine, pollMs: 2 },
      { onStatus: healthyWhenWaited(engine, events) },
    );
    expect(result.failed).toEqual([]);
    // stop, create and start show on the row as one recreate, as before they were three actions
    const api = events.filter((e) => e.row.name === 'shop-api-1' && e.status !== 'waiting').map((e) => e.text);
    expect(api).toEqual(['Recreating', 'Started']);
    const tmp = `${old.slice(0, 12)}_shop-api-1`;
    expect(engine.calls.slice(before).map((c) => `${c.op} ${c.target}`)).toEqual([
      'containers.stop shop-api-1',
      `containers.rename shop-api-1 ${tmp}`,
      'containers.create shop-api-1',
      `containers.remove ${tmp}`,
      'containers.start shop-api-1',
    ]);
    const now = await engine.containers.inspect('shop-api-1');
    expect(now?.id).not.toBe(old);
    expect(now?.config.Env).toContain('MODE=test');
    expect(await engine.containers.inspect(old)).toBeUndefined();
  });

  it('must run independent actions at once, never more than `parallel`', async () => {
    const engine = fresh();
    const stack = stackOfText(
      `name: wide\nservices:\n${['a', 'b', 'c', 'd', 'e'].map((s) => `  ${s}: { image: busybox:1 }`).join('\n')}\n`,
    );
    let active = 0;
    let most = 0;
    // The memory engine answers at once; each create here takes a few ms, as a real one does.
    const slow: EngineClient = {
      ...engine,
      containers: {
        ...engine.containers,
        create: async (req) => {
          most = Math.max(most, ++active);
          await new Promise((r) => setTimeout(r, 10));
          active--;
          return engine.containers.create(req);
        },
      },
    };
    const result = await applyPlan(await planOf(engine, stack), { client: slow, parallel: 2 });
    expect(result.failed).toEqual([]);
    expect(most).toBe(2);
    expect((await engine.containers.list({ all: true })).map((c) => c.state)).toEqual(Array(5).fill('running'));
  });

  it('a failed action must fail what comes after it, with the reason, and leave the rest to run', async () => {
    const engine = fresh();
    const stack = stackOfText(SHOP.replace('services:\n', 'services:\n  cache: { image: busybox:1 }\n'));
    // A container of someone else holds db's name: its create conflicts and is not ours to take over
    await engine.containers.create({ name: 'shop-db-1', body: { Image: 'busybox:1', HostConfig: {} } });
    const events: ApplyEvent[] = [];
    const result = await applyPlan(
      await planOf(engine, stack),
      { client: engine },
      { onStatus: (e) => events.push(e) },
    );
    expect(result.failed.map((f) => `${f.action.kind} ${f.action.row.name}: ${f.error}`)).toEqual([
      expect.stringMatching(
        /^create-container shop-db-1: Conflict\. The container name "\/shop-db-1" is already in use/,
      ),
      expect.stringMatching(/^start shop-db-1: Conflict/),
      expect.stringMatching(/^wait shop-db-1: Conflict/),
      expect.stringMatching(/^create-container shop-api-1: dependency shop-db-1 failed: Conflict/),
      expect.stringMatching(/^start shop-api-1: dependency shop-db-1 failed/),
      // the first failure is named down the chain, not the action just before
      expect.stringMatching(/^create-container shop-web-1: dependency shop-db-1 failed: Conflict/),
      expect.stringMatching(/^start shop-web-1: dependency shop-db-1 failed: Conflict/),
    ]);
    expect(events.filter((e) => e.row.name === 'shop-cache-1' && e.status === 'done').at(-1)?.text).toBe('Started');
    // the row of a failed container shows its first error, not the failures that followed on the same row
    expect(events.filter((e) => e.row.name === 'shop-db-1' && e.status === 'failed')).toHaveLength(1);
  });

  it('waits: a dependency that does not complete successfully fails its dependent; one not required only warns', async () => {
    const engine = fresh();
    const stack = stackOfText(`
name: jobs
services:
  app:
    image: busybox:1
    depends_on:
      migrate: { condition: service_completed_successfully }
      seed: { condition: service_completed_successfully, required: false }
  migrate: { image: busybox:1 }
  seed: { image: busybox:1 }
`);
    const onStatus = (e: ApplyEvent): void => {
      if (e.text !== 'Waiting') return;
      setTimeout(() => engine.exit(e.row.name, e.row.name === 'jobs-migrate-1' ? 0 : 3), 5);
    };
    const result = await applyPlan(await planOf(engine, stack), { client: engine, pollMs: 2 }, { onStatus });
    expect(result.failed).toEqual([]);
    expect(result.warnings).toEqual([`service "seed" didn't complete successfully: exit 3`]);
    expect((await engine.containers.inspect('jobs-app-1'))?.state.running).toBe(true);

    const failing = fresh();
    const result2 = await applyPlan(
      await planOf(failing, stack),
      { client: failing, pollMs: 2 },
      {
        onStatus: (e) => {
          if (e.text === 'Waiting') setTimeout(() => failing.exit(e.row.name, 1), 5);
        },
      },
    );
    expect(result2.failed.map((f) => `${f.action.kind} ${f.action.row.name}: ${f.error}`)).toEqual([
      `wait jobs-migrate-1: service "migrate" didn't complete successfully: exit 1`,
      `create-container jobs-app-1: dependency jobs-migrate-1 failed: service "migrate" didn't complete successfully: exit 1`,
      `start jobs-app-1: dependency jobs-migrate-1 failed: service "migrate" didn't complete successfully: exit 1`,
    ]);
    expect(await failing.containers.inspect('jobs-app-1')).toBeUndefined();
  });

  it("a network of the same name that is not the project's must fail with PLAN_NETWORK_FOREIGN", async () => {
    const engine = fresh();
    await engine.networks.create({ name: 'shop_default' });
    const result = await applyPlan(await planOf(engine, stackOfText(SHOP)), { client: engine });
    expect(result.failed[0]).toMatchObject({
      action: { kind: 'create-network' },
      error: 'network shop_default exists but was not created by project "shop"',
    });
  });

  it('a container a cut-short run made after this one looked must be taken as it is (409 reuse)', async () => {
    const engine = fresh();
    const stack = stackOfText('name: one\nservices:\n  app: { image: busybox:1 }\n');
    const plan = await planOf(engine, stack);
    const [network, create] = plan.actions;
    if (network?.kind !== 'create-network' || create?.kind !== 'create-container') throw new Error(renderPlan(plan));
    await engine.networks.create(network.request);
    const { id } = await engine.containers.create(create.request);
    const result = await applyPlan(plan, { client: engine });
    expect(result.failed).toEqual([]);
    expect(result.containers['one-app-1']).toBe(id);
    expect((await engine.containers.inspect(id))?.state.running).toBe(true);
  });

  it('a container a cut-short run was removing is taken as gone: its recreate goes on, its removal waits for it', async () => {
    const engine = fresh();
    const one = (mode: string): Stack =>
      stackOfText(`name: one\nservices:\n  app: { image: busybox:1, environment: { MODE: ${mode} } }\n`);
    expect((await applyPlan(await planOf(engine, one('a')), { client: engine })).failed).toEqual([]);
    const old = (await engine.containers.inspect('one-app-1'))!.id;
    // The plan is made while the old container is listed; the engine ends a removal it was sent before the apply
    const recreate = await planOf(engine, one('b'));
    await engine.containers.remove(old, { force: true });
    const result = await applyPlan(recreate, { client: engine });
    expect(result.failed).toEqual([]);
    expect((await engine.containers.inspect('one-app-1'))?.config.Env).toContain('MODE=b');

    // A removal under way answers a conflict (dockerd's "removal ... is already in progress") until it ends
    const made = (await engine.containers.inspect('one-app-1'))!.id;
    const down = planDown(one('b'), await observe(engine, 'one'));
    let conflicts = 0;
    const busy: EngineClient = {
      ...engine,
      containers: {
        ...engine.containers,
        remove: async (ref, opts) => {
          if (ref !== made || ++conflicts > 3) return engine.containers.remove(ref, opts);
          throw engineError('conflict', `removal of container ${made} is already in progress`);
        },
      },
    };
    expect((await applyPlan(down, { client: busy })).failed).toEqual([]);
    expect(conflicts).toBe(4);
    expect(await engine.containers.inspect(made)).toBeUndefined();
  });

  it('a down whose containers a killed down removed after the plan was made stops and removes nothing, and succeeds', async () => {
    const engine = fresh();
    await upHealthy(engine, stackOfText(SHOP));
    const down = planDown(stackOfText(SHOP), await observe(engine, 'shop'), { volumes: true });
    for (const c of await engine.containers.list({ all: true })) await engine.containers.remove(c.id, { force: true });
    const result = await applyPlan(down, { client: engine });
    expect(result.failed).toEqual([]);
    expect(await engine.networks.inspect('shop_default')).toBeUndefined();
    expect(await engine.volumes.inspect('shop_data')).toBeUndefined();
  });

  it('an interrupt ends the wait for a removal under way, with the interrupt as its reason', async () => {
    const engine = fresh();
    const stack = stackOfText('name: one\nservices:\n  app: { image: busybox:1 }\n');
    expect((await applyPlan(await planOf(engine, stack), { client: engine })).failed).toEqual([]);
    const down = planDown(stack, await observe(engine, 'one'));
    const stuck: EngineClient = {
      ...engine,
      containers: {
        ...engine.containers,
        remove: () => Promise.reject(engineError('conflict', 'removal of container is already in progress')),
      },
    };
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 120);
    const result = await applyPlan(down, { client: stuck, signal: interrupt.signal });
    expect(result.failed[0]).toMatchObject({ action: { kind: 'remove-container' }, error: 'interrupted' });
    expect(await engine.containers.inspect('one-app-1')).toBeDefined();
  });

  it('a name a cut-short run is still creating is waited for, and the container it makes is taken as it is', async () => {
    const engine = fresh();
    const stack = stackOfText('name: one\nservices:\n  app: { image: busybox:1 }\n');
    const plan = await planOf(engine, stack);
    let inFlight: Promise<{ id: string }> | undefined;
    const creating: EngineClient = {
      ...engine,
      containers: {
        ...engine.containers,
        // The first create meets the cut-short run's create of the same request: the engine holds the name,
        // and has no container under it yet, until that create ends
        create: async (req) => {
          if (inFlight) return engine.containers.create(req);
          inFlight = new Promise((r) => setTimeout(r, 30)).then(() => engine.containers.create(req));
          throw engineError('conflict', `The container name "/${req.name}" is already in use`);
        },
      },
    };
    const result = await applyPlan(plan, { client: creating });
    expect(result.failed).toEqual([]);
    expect(result.containers['one-app-1']).toBe((await inFlight)?.id);
    expect((await engine.containers.list({ all: true })).map((c) => `${c.name} ${c.state}`)).toEqual([
      'one-app-1 running',
    ]);
  });

  it('network_mode service: must get the id of the container made in the same run', async () => {
    const engine = fresh();
    const stack = stackOfText(`
name: pair
services:
  app: { image: busybox:1 }
  sidecar: { image: busybox:1, network_mode: 'service:app' }
`);
    const result = await applyPlan(await planOf(engine, stack), { client: engine });
    expect(result.failed).toEqual([]);
    const app = await engine.containers.inspect('pair-app-1');
    const sidecar = await engine.containers.inspect('pair-sidecar-1');
    expect(sidecar?.config.HostConfig.NetworkMode).toBe(`container:${app?.id}`);
  });

  it('down with no depends_on must have every stop in flight at once, within `parallel`', async () => {
    const engine = fresh();
    const stack = stackOfText(
      `name: flat\nservices:\n${['a', 'b', 'c', 'd', 'e'].map((s) => `  ${s}: { image: busybox:1 }`).join('\n')}\n`,
    );
    expect((await applyPlan(await planOf(engine, stack), { client: engine })).failed).toEqual([]);
    let active = 0;
    let most = 0;
    // Each stop takes a few ms, as a real one does, so that stops that overlap are seen to
    const slow = (): EngineClient => ({
      ...engine,
      containers: {
        ...engine.containers,
        stop: async (ref, opts) => {
          most = Math.max(most, ++active);
          await new Promise((r) => setTimeout(r, 10));
          active--;
          return engine.containers.stop(ref, opts);
        },
      },
    });
    const plan = planDown(stack, await observe(engine, 'flat'));
    expect((await applyPlan(plan, { client: slow(), parallel: 3 })).failed).toEqual([]);
    expect(most).toBe(3);
    expect(await engine.containers.list({ all: true })).toEqual([]);
    expect((await applyPlan(await planOf(engine, stack), { client: engine })).failed).toEqual([]);
    most = 0;
    expect((await applyPlan(planDown(stack, await observe(engine, 'flat')), { client: slow() })).failed).toEqual([]);
    expect(most).toBe(5);
  });

  it('down must stop a dependent before what it depends on, and remove each container once it has stopped', async () => {
    const engine = fresh();
    const stack = stackOfText(SHOP);
    await upHealthy(engine, stack);
    const before = engine.calls.length;
    const result = await applyPlan(planDown(stack, await observe(engine, 'shop')), { client: engine });
    expect(result.failed).toEqual([]);
    const calls = engine.calls.slice(before).map((c) => `${c.op} ${c.target}`);
    const at = (call: string): number => calls.indexOf(call);
    expect(at('containers.stop shop-web-1')).toBeLessThan(at('containers.stop shop-api-1'));
    expect(at('containers.stop shop-api-1')).toBeLessThan(at('containers.stop shop-db-1'));
    for (const c of ['web', 'api', 'db']) {
      expect(at(`containers.stop shop-${c}-1`)).toBeLessThan(at(`containers.remove shop-${c}-1`));
    }
  });

  it('down must remove every container, then the network, and with volumes the volume', async () => {
    const engine = fresh();
    const stack = stackOfText(SHOP);
    await upHealthy(engine, stack);
    const before = engine.calls.length;
    const result = await applyPlan(planDown(stack, await observe(engine, 'shop'), { volumes: true }), {
      client: engine,
    });
    expect(result.failed).toEqual([]);
    const removes = engine.calls
      .slice(before)
      .filter((c) => c.op.endsWith('.remove'))
      .map((c) => `${c.op} ${c.target}`);
    // The containers' removals are ordered only by their stops (the test above); the network and volume come last
    expect([...removes.slice(0, 3)].sort()).toEqual([
      'containers.remove shop-api-1',
      'containers.remove shop-db-1',
      'containers.remove shop-web-1',
    ]);
    expect(removes.slice(3)).toEqual(['networks.remove shop_default', 'volumes.remove shop_data']);
    expect(await engine.containers.list({ all: true })).toEqual([]);
  });
});
