// `berth stack deploy` on a real single-node swarm: Debian's dockerd started by the test in namespaces of its
// own (swarm-engine.ts), driven by berth's CLI in-process; every check reads the engine's state through the
// docker CLI (service specs, versions, tasks, secrets), not berth's output.
//
// The image: busybox made without a registry and `docker load`ed into the manager. It has no registry digest,
// so berth pins it by image ID (sha256:...), which a swarm runs without trying to pull (dockerd skips the pull
// of an ID reference); a tag would make every task try docker.io first.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerEngineClient } from '../../src/client/docker/client.js';
import { dockerSwarmClient } from '../../src/client/swarm/docker-swarm.js';
import type { SwarmClient } from '../../src/client/swarm/types.js';
import { runDocker } from '../engine/docker-cli.js';
import { hasDockerd } from '../engine/dockerd-engine.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import { runCli } from './run-cli.js';
import { processesIn, startSwarmDockerd, swarmInit, type SwarmEngine } from './swarm-engine.js';

const run = promisify(execFile);
const STACK = `shop${process.pid}`;
const IMAGE = `berth-swarm-test/busybox:${process.pid}`;
// Ends at once on SIGTERM (a bare `sleep` as PID 1 ignores it), so rolling updates do not wait 10 s a task.
const LOOP = `["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]`;

function stackYaml(o: { mode?: string; cache?: boolean } = {}): string {
  return [
    'services:',
    '  web:',
    `    image: ${IMAGE}`,
    `    command: ${LOOP}`,
    `    environment: {MODE: ${o.mode ?? 'prod'}}`,
    '    deploy: {replicas: 2, update_config: {parallelism: 2}}',
    '    secrets: [db_pw]',
    '    configs: [{source: site, target: /etc/site.conf}]',
    '    networks: [back]',
    '  api:',
    `    image: ${IMAGE}`,
    `    command: ${LOOP}`,
    '    networks: [back]',
    '    depends_on: [web]',
    ...(o.cache === false ? [] : ['  cache:', `    image: ${IMAGE}`, `    command: ${LOOP}`, '    networks: [back]']),
    'secrets: {db_pw: {file: ./db_pw.txt}}',
    'configs: {site: {file: ./site.conf}}',
    'networks: {back: {}}',
    '',
  ].join('\n');
}

interface Inspected {
  ID: string;
  Version: { Index: number };
  Spec: {
    Name: string;
    Labels: Record<string, string>;
    Mode: { Replicated?: { Replicas: number } };
    TaskTemplate: {
      ContainerSpec: { Image: string; Env?: string[]; Secrets?: Array<{ SecretName: string }> };
      Networks?: Array<{ Target: string }>;
    };
  };
  UpdateStatus?: { State: string };
}

describe.runIf(hasDockerd)('berth stack on a single-node swarm of dockerd', () => {
  let engine: SwarmEngine | undefined;
  let closed = false;
  let project = '';
  const linksBefore = hostLinks();

  const docker = async (...args: string[]): Promise<string> => {
    const r = await runDocker(engine!.socket, args, 60_000);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const berth = (...args: string[]) =>
    runCli(args, { cwd: project, env: { DOCKER_HOST: `unix://${engine!.socket}`, BERTH_SOCKET: '/nonexistent' } });
  const deploy = async (...flags: string[]): Promise<void> => {
    const r = await berth('stack', 'deploy', '-c', 'compose.yaml', ...flags, STACK);
    expect(r.stderr, r.stderr).not.toContain('error:');
    expect(r.code).toBe(0);
  };
  const services = async (): Promise<Map<string, Inspected>> => {
    const ids = (await docker('service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${STACK}`))
      .split('\n')
      .filter(Boolean);
    if (ids.length === 0) return new Map();
    const all = JSON.parse(await docker('service', 'inspect', ...ids)) as Inspected[];
    return new Map(all.map((s) => [s.Spec.Name.slice(STACK.length + 1), s]));
  };
  const names = async (kind: 'secret' | 'config' | 'network'): Promise<string[]> =>
    (await docker(kind, 'ls', '--filter', `label=com.docker.stack.namespace=${STACK}`, '--format', '{{.Name}}'))
      .split('\n')
      .filter(Boolean)
      .sort();
  /** Waits until every service of the stack runs all its replicas and no update is under way. */
  const converged = async (): Promise<void> => {
    for (let i = 0; i < 600; i++) {
      const rows = (
        await docker(
          'service',
          'ls',
          '--filter',
          `label=com.docker.stack.namespace=${STACK}`,
          '--format',
          '{{.Replicas}}',
        )
      )
        .split('\n')
        .filter(Boolean);
      const updating = [...(await services()).values()].some((s) => s.UpdateStatus?.State === 'updating');
      if (rows.length > 0 && rows.every((r) => /^(\d+)\/\1$/.test(r)) && !updating) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the stack did not converge: ${await docker('service', 'ls')}`);
  };
  const swarmClient = (): SwarmClient & AsyncDisposable => {
    const client = dockerEngineClient(engine!.socket);
    return Object.assign(dockerSwarmClient(client), { [Symbol.asyncDispose]: async () => client.close() });
  };
  /** The content of a file in each running container of a service. */
  const readInTasks = async (service: string, path: string): Promise<string[]> => {
    const ids = (await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${STACK}_${service}`))
      .split('\n')
      .filter(Boolean);
    return Promise.all(ids.map(async (id) => (await docker('exec', id, 'cat', path)).trim()));
  };

  beforeAll(async () => {
    engine = await startSwarmDockerd('swarm', { init: false });
    project = join(engine.dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'compose.yaml'), stackYaml());
    writeFileSync(join(project, 'db_pw.txt'), 'hunter2\n');
    writeFileSync(join(project, 'site.conf'), 'listen 80\n');
    writeFileSync(join(engine.dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [IMAGE] }));
    await run('docker', ['load', '-i', join(engine.dir, 'busybox.tar')], {
      env: { ...process.env, DOCKER_HOST: `unix://${engine.socket}` },
    });
  }, 120_000);

  afterAll(async () => {
    if (engine && !closed) await engine.close();
  }, 120_000);

  it('refuses an engine that is not a swarm manager, saying what to do', async () => {
    const r = await berth('stack', 'deploy', '-c', 'compose.yaml', STACK);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[CLI_NOT_SWARM_MANAGER]');
    expect(r.stderr).toContain('docker swarm init');
    await using swarm = swarmClient();
    await expect(swarm.services.list()).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await swarm.state()).toMatchObject({ state: 'inactive', manager: false, isBerthd: false });
    await swarmInit(engine!.socket);
  }, 60_000);

  it('refuses berthd, which is no swarm, without starting it', async () => {
    const r = await runCli(['stack', 'ls'], { cwd: project, env: { BERTH_SOCKET: join(project, 'no.sock') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[CLI_NOT_SWARM_MANAGER]');
    expect(r.stderr).toContain('berth up');
  });

  it('deploys 3 services (2 replicas of one), a secret, a config and an overlay network, and the tasks run', async () => {
    await deploy();
    const s = await services();
    expect([...s.keys()].sort()).toEqual(['api', 'cache', 'web']);
    const web = s.get('web')!;
    expect(web.Spec.Mode.Replicated?.Replicas).toBe(2);
    expect(web.Spec.TaskTemplate.ContainerSpec.Image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(web.Spec.TaskTemplate.ContainerSpec.Env).toEqual(['MODE=prod']);
    expect(await names('secret')).toEqual([expect.stringMatching(new RegExp(`^${STACK}_db_pw-[0-9a-f]{12}$`))]);
    expect(await names('config')).toEqual([expect.stringMatching(new RegExp(`^${STACK}_site-[0-9a-f]{12}$`))]);
    expect(await names('network')).toEqual([`${STACK}_back`]);
    const net = JSON.parse(await docker('network', 'inspect', `${STACK}_back`))[0];
    expect({ driver: net.Driver, scope: net.Scope }).toEqual({ driver: 'overlay', scope: 'swarm' });
    await converged();
    expect(await readInTasks('web', '/run/secrets/db_pw')).toEqual(['hunter2', 'hunter2']);
    expect(await readInTasks('web', '/etc/site.conf')).toEqual(['listen 80', 'listen 80']);
  }, 240_000);

  it('the swarm client says not-found for what is gone and refuses an update at a stale version', async () => {
    await using swarm = swarmClient();
    await expect(swarm.services.remove('ghost')).rejects.toMatchObject({ kind: 'not-found' });
    expect(await swarm.services.inspect('ghost')).toBeUndefined();
    const api = await swarm.services.inspect(`${STACK}_api`);
    await expect(swarm.services.update(api!.id, api!.version - 1, api!.spec)).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect((await swarm.services.inspect(api!.id))?.version).toBe(api!.version);
  }, 60_000);

  it('an unchanged re-deploy changes nothing: every Version.Index stays, no object is made', async () => {
    const before = await services();
    const objects = [await names('secret'), await names('config'), await names('network')];
    await deploy();
    const after = await services();
    for (const [name, s] of before) expect(after.get(name)?.Version.Index, name).toBe(s.Version.Index);
    expect([await names('secret'), await names('config'), await names('network')]).toEqual(objects);
  }, 120_000);

  it('an environment change updates only that service', async () => {
    const before = await services();
    writeFileSync(join(project, 'compose.yaml'), stackYaml({ mode: 'staging' }));
    const plan = await berth('stack', 'deploy', '-c', 'compose.yaml', '--dry-run', '--format', 'json', STACK);
    const updates = JSON.parse(plan.stdout).actions.filter((a: { kind: string }) => a.kind === 'update-service');
    expect(updates).toMatchObject([{ resource: `${STACK}_web`, changed: ['environment.MODE'] }]);
    await deploy();
    const after = await services();
    expect(after.get('web')!.Version.Index).toBeGreaterThan(before.get('web')!.Version.Index);
    expect(after.get('web')!.Spec.TaskTemplate.ContainerSpec.Env).toEqual(['MODE=staging']);
    expect(after.get('api')!.Version.Index).toBe(before.get('api')!.Version.Index);
    expect(after.get('cache')!.Version.Index).toBe(before.get('cache')!.Version.Index);
    await converged();
  }, 240_000);

  it('a secret change rolls out a new secret version and removes the old one', async () => {
    const [old] = await names('secret');
    writeFileSync(join(project, 'db_pw.txt'), 'correct horse\n');
    await deploy();
    const secrets = await names('secret');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).not.toBe(old);
    const s = await services();
    expect(s.get('web')!.Spec.TaskTemplate.ContainerSpec.Secrets?.map((x) => x.SecretName)).toEqual(secrets);
    await converged();
    expect(await readInTasks('web', '/run/secrets/db_pw')).toEqual(['correct horse', 'correct horse']);
  }, 240_000);

  it('--prune removes a service no longer in the file, and only with --prune', async () => {
    writeFileSync(join(project, 'compose.yaml'), stackYaml({ mode: 'staging', cache: false }));
    await deploy();
    expect([...(await services()).keys()].sort()).toEqual(['api', 'cache', 'web']);
    await deploy('--prune');
    expect([...(await services()).keys()].sort()).toEqual(['api', 'web']);
  }, 120_000);

  it('a secret whose file is missing fails with a hint before anything changes', async () => {
    const before = await services();
    const secrets = await names('secret');
    renameSync(join(project, 'db_pw.txt'), join(project, 'db_pw.moved'));
    try {
      writeFileSync(join(project, 'compose.yaml'), stackYaml({ mode: 'other', cache: false }));
      const r = await berth('stack', 'deploy', '-c', 'compose.yaml', STACK);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /cannot read the file of secrets\.db_pw: .*db_pw\.txt \(hint: .+\) \[CLI_SWARM_OBJECT_FILE\]/,
      );
    } finally {
      renameSync(join(project, 'db_pw.moved'), join(project, 'db_pw.txt'));
      writeFileSync(join(project, 'compose.yaml'), stackYaml({ mode: 'staging', cache: false }));
    }
    const after = await services();
    for (const [name, s] of before) expect(after.get(name)?.Version.Index, name).toBe(s.Version.Index);
    expect(await names('secret')).toEqual(secrets);
  }, 60_000);

  it('stack ls, services and ps read the stack from the swarm', async () => {
    const ls = await berth('stack', 'ls', '--format', 'json');
    expect(JSON.parse(ls.stdout)).toContainEqual({ name: STACK, services: 2 });
    const ps = await berth('stack', 'ps', '--format', 'json', STACK);
    const running = JSON.parse(ps.stdout).filter((t: { desiredState: string }) => t.desiredState === 'running');
    expect(running.map((t: { name: string }) => t.name).sort()).toEqual([
      `${STACK}_api.1`,
      `${STACK}_web.1`,
      `${STACK}_web.2`,
    ]);
  }, 60_000);

  it('stack rm leaves no service, network, secret, config or container of the stack', async () => {
    const r = await berth('stack', 'rm', STACK);
    expect(r.code, r.stderr).toBe(0);
    expect(await services()).toEqual(new Map());
    expect([await names('secret'), await names('config'), await names('network')]).toEqual([[], [], []]);
    for (let i = 0; i < 120 && (await docker('ps', '-aq')).trim() !== ''; i++)
      await new Promise((x) => setTimeout(x, 250));
    expect((await docker('ps', '-aq')).trim()).toBe('');
  }, 120_000);

  it('stopping the engine leaves no process, mount or interface behind', async () => {
    const { dir, netns } = engine!;
    closed = true;
    await engine!.close();
    expect(processesIn(netns)).toEqual([]);
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(dir);
    // Interfaces only a dockerd makes; the swarm's stayed in its namespace, which is gone.
    const made = hostLinks().filter((l) => !linksBefore.includes(l) && /^(docker0|docker_gwbridge|vx-)/.test(l));
    expect(made).toEqual([]);
  }, 120_000);
});

function hostLinks(): string[] {
  return readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]!.trim())
    .filter(Boolean);
}
