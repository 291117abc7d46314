// `berth run` on berthd: a one-off container with Compose's name and labels, its dependencies started first
// (none with --no-deps), the service's ports left out, overrides that take effect, the exit code passed on,
// --rm leaving nothing behind and -d printing the container's ID.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEngine } from './stack-engine.js';
import { serviceContainers, startStackEngine } from './stack-engine.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

const STACK = `
services:
  db:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 1s
  job:
    image: \${IMAGE}
    command: ['echo', 'from-service']
    environment: { A: one }
    ports: ['127.0.0.1:18999:80']
    depends_on: [db]
`;

interface Inspect {
  Name: string;
  State: { Status: string; ExitCode: number };
  Config: { Labels: Record<string, string> };
  HostConfig: { PortBindings?: Record<string, unknown> | null };
}

describe.runIf(hasRunc)('berth run on berthd', () => {
  let e: StackEngine;

  beforeAll(async () => {
    e = await startStackEngine('run', STACK);
  }, 60_000);

  afterAll(async () => e?.close(), 60_000);

  it('--no-deps --rm runs the service alone and leaves no container', async () => {
    const r = await e.berth('run', '--no-deps', '--rm', 'job');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('from-service\n');
    expect(await serviceContainers(e, 'db')).toEqual([]);
    expect(await serviceContainers(e, 'job')).toEqual([]);
  }, 30_000);

  it('flags after SERVICE belong to the command: `run --rm job echo -p x` prints "-p x" and makes no project x', async () => {
    const r = await e.berth('run', '--rm', '--no-deps', 'job', 'echo', '-p', 'x');
    expect(r.stdout).toBe('-p x\n');
    expect(r.code).toBe(0);
    const x = await e.client.call<unknown[]>('GET', '/containers/json', {
      query: { all: 1, filters: JSON.stringify({ label: ['com.docker.compose.project=x'] }) },
    });
    expect(x).toEqual([]);
    const dashes = await e.berth('run', '--rm', '--no-deps', 'job', '--', 'echo', '--', 'hi');
    expect(dashes.stdout).toBe('-- hi\n');
  }, 30_000);

  it("starts the dependencies first and exits with the container's exit code", async () => {
    const r = await e.berth('run', 'job', 'sh', '-c', 'echo failing; exit 7');
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('failing\n');
    expect((await serviceContainers(e, 'db')).map((c) => c.State)).toEqual(['running']);
  }, 30_000);

  it("the one-off container has Compose's name and labels and none of the service's ports", async () => {
    const [c] = await serviceContainers(e, 'job');
    expect(c).toBeDefined();
    const info = await e.client.call<Inspect>('GET', `/containers/${c!.Id}/json`);
    const labels = info.Config.Labels;
    expect(info.Name).toMatch(new RegExp(`^/${e.project}-job-run-[0-9a-f]{12}$`));
    expect(labels['com.docker.compose.oneoff']).toBe('True');
    expect(labels['com.docker.compose.container-number']).toBe('1');
    expect(labels['com.docker.compose.slug']).toMatch(/^[0-9a-f]{64}$/);
    expect(info.Name.endsWith(labels['com.docker.compose.slug']!.slice(0, 12))).toBe(true);
    expect(labels['com.docker.compose.project']).toBe(e.project);
    expect(labels['com.docker.compose.service']).toBe('job');
    expect(Object.keys(info.HostConfig.PortBindings ?? {})).toEqual([]);
    expect(info.State).toMatchObject({ Status: 'exited', ExitCode: 7 });
    // `ps` and `up` leave one-off containers alone, as Compose's do.
    expect((await e.berth('ps', '-a', '--format', 'json')).stdout).not.toContain('-job-run-');
  });

  it('-e, -u, -w and --entrypoint override the service', async () => {
    const r = await e.berth(
      ...['run', '--rm', '-e', 'A=two', '-u', '1234', '-w', '/tmp', '--entrypoint', 'sh -c', 'job'],
      'echo $A $(id -u) $(pwd)',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('two 1234 /tmp\n');
  }, 30_000);

  it('-d prints the container ID and leaves it running, with the labels of -l and the name of --name', async () => {
    const name = `${e.project}-named`;
    const r = await e.berth('run', '-d', '--name', name, '-l', 'team=blue', 'job', 'sleep', '30');
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const info = await e.client.call<Inspect>('GET', `/containers/${id}/json`);
    expect(info.Name).toBe(`/${name}`);
    expect(info.State.Status).toBe('running');
    expect(info.Config.Labels.team).toBe('blue');
    await e.client.call('DELETE', `/containers/${id}`, { query: { force: 1 } });
  }, 30_000);

  it('refuses --publish with --service-ports, as Compose does', async () => {
    const r = await e.berth('run', '-p', '8080:80', '--service-ports', 'job');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--service-ports and --publish are incompatible');
  });
});
