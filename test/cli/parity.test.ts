// Run-time parity: one many-feature stack, one command sequence, run by berth on berthd and on Debian's dockerd;
// what a user can observe is compared feature by feature. A difference fails its feature's test until berthd
// matches (or the README documents it as intended). Each observation is also checked against what Compose documents,
// so that two engines that are wrong the same way still fail.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawEngineApi } from '../client/raw-engine-api.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import type { Engine, EngineName } from './engines.js';
import { hasDockerd, hasRunc, startEngine } from './engines.js';
import { freePort, httpGet } from './loopback.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);

const STACK = `
services:
  db:
    image: \${IMAGE}
    command: ['sh', '-c', 'mkdir -p /www && echo db > /www/index.html && exec httpd -f -p 5432 -h /www']
    healthcheck:
      test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:5432/']
      interval: 500ms
      start_period: 5s
      retries: 10
    networks:
      back: { aliases: [database] }
    volumes: ['dbdata:/var/lib/db']
    stop_grace_period: 1s
  migrate:
    image: \${IMAGE}
    command: ['sh', '-c', 'wget -q -O /var/lib/db/migrated http://database:5432/ && echo migrated']
    depends_on:
      db: { condition: service_healthy }
    networks: [back]
    volumes: ['dbdata:/var/lib/db']
    restart: 'no'
  app:
    build:
      context: ./app
      args: { BASE: '\${IMAGE}', GREETING: hello }
      target: prod
      network: none
    env_file: [./app.env]
    environment: { FROM_DOTENV: '\${DOTENV_VALUE}' }
    depends_on:
      migrate: { condition: service_completed_successfully }
    networks: [front, back]
    ports: ['127.0.0.1:\${PORT}:8080']
    command: httpd -f -p 8080 -h /srv
    volumes: ['./site:/srv:ro', './out:/out']
    tmpfs: ['/scratch:size=1m']
    secrets: [token]
    configs: [{ source: settings, target: /etc/app/settings.conf }]
    user: '1000:1000'
    ipc: shareable
    init: true
    stop_signal: SIGINT
    stop_grace_period: 5s
    ulimits: { nofile: { soft: 1024, hard: 2048 } }
    sysctls: { net.core.somaxconn: 511 }
    mem_limit: 64m
    pids_limit: 50
    cpus: 0.5
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    read_only: true
  worker:
    image: \${IMAGE}
    command: ['sh', '-c', 'printf abc; sleep 0.3; printf "def\\n"; trap "exit 0" TERM; while true; do sleep 0.2; done']
    deploy: { replicas: 2 }
    restart: on-failure:3
    networks: [back]
    depends_on: [app]
  sidecar:
    image: \${IMAGE}
    command: sleep 3600
    pid: 'service:app'
    ipc: 'service:app'
    networks: [front]
    depends_on: [app]
    stop_grace_period: 5s
  flaky:
    image: \${IMAGE}
    command: ['sh', '-c', 'exit 3']
    restart: on-failure:2
    network_mode: none
    profiles: [flaky]
  debug:
    image: \${IMAGE}
    command: sleep 3600
    profiles: [debug]
networks:
  front: {}
  back: {}
volumes:
  dbdata: {}
secrets:
  token: { file: ./token.txt }
configs:
  settings: { file: ./settings.conf }
`;

const DOCKERFILE = `ARG BASE
FROM \${BASE} AS base
ARG GREETING=none
RUN echo "$GREETING" > /greeting
FROM base AS dev
RUN echo dev > /stage
FROM base AS prod
RUN echo prod > /stage
EXPOSE 9000
`;

/** What one engine showed, feature by feature, as text with engine-specific details (ids, addresses) left out. */
type Observations = Record<string, string>;

/** Each feature, with what Compose documents that a user sees. */
const EXPECTED: Record<string, string> = {
  'build args': 'hello',
  'build target': 'prod',
  'env_file and .env interpolation': 'from-file from-dotenv',
  profiles: 'app db migrate sidecar worker | with --profile debug: app db debug flaky migrate sidecar worker',
  'healthcheck probes from the start, not after start_period': 'healthy fast',
  'depends_on service_healthy and service_completed_successfully': 'migrate exited 0 before app started',
  'replicas (deploy.replicas)': 'worker-1 running, worker-2 running',
  'restart policy on-failure:N': 'on-failure:3 | flaky: exited 3 after 2 restarts',
  'networks, aliases and isolation': 'app->database: db | sidecar->database: unresolved',
  'a peer on two networks resolves to its address on the shared network': 'worker sees app at its back address',
  'bind mounts': 'site | written as 1000:1000',
  'named volume': 'db',
  tmpfs: 'tmpfs size=1024k writable',
  secrets: 's3cret',
  configs: 'level=3',
  'user and group': '1000 1000',
  init: 'pid 1 is an init, httpd its child',
  'stop signal': 'SIGINT',
  ulimits: '1024 2048',
  sysctls: '511',
  'memory, pids and cpu limits': '67108864 50 50000/100000',
  capabilities: '0000000000000400',
  'read-only root': 'refused, /scratch and /out writable',
  'pid: service:X': 'sidecar sees httpd',
  'ipc: service:X, private by default': 'same ipc namespace | app shareable, db private',
  'published ports': 'site | 127.0.0.1:PORT->8080/tcp, :0->9000/tcp | stopped: none',
  'logs --tail counts whole lines': 'abcdef abcdef',
  'start follows depends_on': 'migrate exited 0',
  // db: busybox httpd as PID 1 has no SIGTERM handler, so the kernel ignores the signal and the engine must SIGKILL
  // (137); app: SIGINT (stop_signal) through the init ends httpd (130); worker traps TERM (0); sidecar's sleep shares
  // app's PID namespace, so it is not PID 1 there and SIGTERM ends it at once (143).
  'stop ends each container by its stop signal': 'db 137, migrate 0, app 130, worker 0, sidecar 143',
  'down -v removes containers, networks and volumes': 'nothing left',
};

/** Runs the sequence on one engine and returns what it showed. */
async function observe(engineName: EngineName, dir: string): Promise<Observations> {
  const engine: Engine = await startEngine(engineName, dir);
  const project = `parity-${engineName}-${process.pid}`;
  const image = `${project}/busybox:1`;
  const port = await freePort();
  const env = { ...engine.env, IMAGE: image, PORT: String(port) };
  const client = new RawEngineApi(engine.socket);
  const dockerEnv = { ...process.env, DOCKER_HOST: `unix://${engine.socket}` };
  const berth = (...args: string[]) => runCli(['-p', project, ...args], { cwd: join(dir, 'project'), env });
  const docker = async (...args: string[]): Promise<{ code: number; out: string }> =>
    run('docker', args, { env: dockerEnv }).then(
      (r) => ({ code: 0, out: r.stdout.trim() }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? 1,
        out: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim(),
      }),
    );
  const name = (service: string, n = 1): string => `${project}-${service}-${n}`;
  const sh = (service: string, script: string) => docker('exec', name(service), 'sh', '-c', script);
  const inspect = async (c: string): Promise<Inspected> => client.call<Inspected>('GET', `/containers/${c}/json`);
  const o: Observations = {};
  try {
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    await run('docker', ['load', '-i', join(dir, 'busybox.tar')], { env: dockerEnv });

    const up = await berth('up', '-d', '--wait', '--wait-timeout', '60');
    if (up.code !== 0) throw new Error(`up --wait on ${engineName} failed:\n${up.stdout}\n${up.stderr}`);

    o['build args'] = (await sh('app', 'cat /greeting')).out;
    o['build target'] = (await sh('app', 'cat /stage')).out;
    o['env_file and .env interpolation'] = (await sh('app', 'echo $FROM_FILE $FROM_DOTENV')).out;

    const services = async (...args: string[]): Promise<string> =>
      (await berth(...args, 'config', '--services')).stdout.trim().split('\n').sort().join(' ');
    const running = (await berth('ps', '-a', '--services')).stdout.trim().split('\n').sort().join(' ');
    o.profiles = `${running} | with --profile debug: ${await services('--profile', 'debug', '--profile', 'flaky')}`;

    const db = await inspect(name('db'));
    const migrate = await inspect(name('migrate'));
    // db probes every 500 ms from its start, so migrate (which waits for it to be healthy) starts well inside db's
    // start_period of 5 s; an engine that waits start_period before the first probe starts it 5 s or more later.
    const healthyAfterMs = Date.parse(migrate.State.StartedAt) - Date.parse(db.State.StartedAt);
    o['healthcheck probes from the start, not after start_period'] =
      `${db.State.Health?.Status} ${healthyAfterMs < 4000 ? 'fast' : `slow (${healthyAfterMs} ms)`}`;

    const app = await inspect(name('app'));
    o['depends_on service_healthy and service_completed_successfully'] = `migrate exited ${migrate.State.ExitCode} ${
      Date.parse(migrate.State.FinishedAt) <= Date.parse(app.State.StartedAt) ? 'before' : 'after'
    } app started`;

    const workers = await Promise.all([1, 2].map((n) => inspect(name('worker', n))));
    o['replicas (deploy.replicas)'] = workers.map((w, i) => `worker-${i + 1} ${w.State.Status}`).join(', ');

    const flakyUp = await berth('--profile', 'flaky', 'up', '-d', '--no-deps', 'flaky');
    if (flakyUp.code !== 0) throw new Error(`up flaky: ${flakyUp.stderr}`);
    let flaky = await inspect(name('flaky'));
    for (let i = 0; i < 100 && (flaky.State.Running || flaky.State.Restarting || flaky.RestartCount < 2); i++) {
      await new Promise((r) => setTimeout(r, 100));
      flaky = await inspect(name('flaky'));
    }
    const policy = workers[0]!.HostConfig.RestartPolicy;
    o['restart policy on-failure:N'] =
      `${policy.Name}:${policy.MaximumRetryCount} | flaky: ${flaky.State.Status} ${flaky.State.ExitCode} after ${flaky.RestartCount} restarts`;

    const viaAlias = await sh('app', 'wget -q -O - http://database:5432/');
    const fromFront = await sh('sidecar', 'nslookup database >/dev/null 2>&1 && echo resolved || echo unresolved');
    o['networks, aliases and isolation'] = `app->database: ${viaAlias.out} | sidecar->database: ${fromFront.out}`;

    const backAddress = app.NetworkSettings.Networks[`${project}_back`]?.IPAddress;
    const seen = await sh('worker', 'nslookup app 2>/dev/null | sed -n "/^Name:/,\\$p" | grep -o "[0-9.]*[0-9]$"');
    const seenAddresses = seen.out.split('\n').filter(Boolean);
    o['a peer on two networks resolves to its address on the shared network'] =
      seenAddresses.length === 1 && seenAddresses[0] === backAddress
        ? 'worker sees app at its back address'
        : `worker sees app at ${seenAddresses.join(', ') || 'nothing'} (back address ${backAddress})`;

    await sh('app', 'echo out > /out/written');
    const written = statSync(join(dir, 'project', 'out', 'written'));
    o['bind mounts'] = `${(await sh('app', 'cat /srv/index.html')).out} | written as ${written.uid}:${written.gid}`;

    o['named volume'] = (await sh('db', 'cat /var/lib/db/migrated')).out;

    const tmpfsLine = (await sh('app', 'grep " /scratch " /proc/mounts')).out.split(' ');
    const size = (tmpfsLine[3] ?? '').split(',').find((x) => x.startsWith('size='));
    const tmpfsWritable = (await sh('app', 'touch /scratch/x && echo ok')).out === 'ok';
    o.tmpfs = `${tmpfsLine[2]} ${size} ${tmpfsWritable ? 'writable' : 'not writable'}`;

    o.secrets = (await sh('app', 'cat /run/secrets/token')).out;
    o.configs = (await sh('app', 'cat /etc/app/settings.conf')).out;
    o['user and group'] = (await sh('app', 'echo $(id -u) $(id -g)')).out;

    const initCheck = await sh(
      'app',
      'p=$(pidof httpd); [ "$(cat /proc/1/comm)" != httpd ] && [ "$(cut -d" " -f4 /proc/$p/stat)" = 1 ] && echo ok',
    );
    o.init = initCheck.out === 'ok' ? 'pid 1 is an init, httpd its child' : `not so: ${initCheck.out}`;
    o['stop signal'] = app.Config.StopSignal ?? '';
    // The container's own process, not the exec'd shell (whose limits an engine may set apart).
    o.ulimits = (await sh('app', "grep 'open files' /proc/1/limits | tr -s ' ' | cut -d' ' -f4,5")).out;
    o.sysctls = (await sh('app', 'cat /proc/sys/net/core/somaxconn')).out;
    o['memory, pids and cpu limits'] = (
      await sh(
        'app',
        'echo $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) $(cat /sys/fs/cgroup/pids/pids.max) ' +
          '$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)/$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)',
      )
    ).out;
    o.capabilities = (await sh('app', 'grep CapBnd /proc/self/status | cut -f2')).out;

    const rootWrite = await sh('app', 'touch /x');
    const outWrite = await sh('app', 'touch /out/y && touch /scratch/y && echo ok');
    o['read-only root'] = `${rootWrite.code !== 0 ? 'refused' : 'allowed'}, /scratch and /out ${
      outWrite.out === 'ok' ? 'writable' : 'not writable'
    }`;

    const sidecarPs = await sh('sidecar', 'ps -o comm');
    o['pid: service:X'] = sidecarPs.out.split('\n').includes('httpd') ? 'sidecar sees httpd' : 'sidecar alone';
    const ipcApp = (await sh('app', 'readlink /proc/self/ns/ipc')).out;
    const ipcSide = (await sh('sidecar', 'readlink /proc/self/ns/ipc')).out;
    o['ipc: service:X, private by default'] =
      `${ipcApp === ipcSide ? 'same' : 'different'} ipc namespace | app ${app.HostConfig.IpcMode}, db ${db.HostConfig.IpcMode}`;

    const page = await httpGet(port);
    const appPorts = async (): Promise<string> => {
      const rows = (await berth('ps', '-a', '--format', 'json')).stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as PsRow);
      const publishers = rows.find((r) => r.Service === 'app')?.Publishers ?? [];
      const text = publishers.map((x) => `${x.URL}:${x.PublishedPort}->${x.TargetPort}/${x.Protocol}`).sort();
      return text.join(', ').replace(`:${port}->`, ':PORT->') || 'none';
    };
    const publishedWhileRunning = await appPorts();

    const tail = await berth('logs', '--tail', '1', '--no-log-prefix', 'worker');
    o['logs --tail counts whole lines'] = tail.stdout.trim().split('\n').sort().join(' ');

    // stop everything with the stack's grace periods (5 s for app and sidecar): a container that ends by its stop
    // signal exits with that signal's code; one the engine had to SIGKILL after the grace period exits 137.
    expect((await berth('stop')).code).toBe(0);
    const exits = await Promise.all(
      ['db', 'migrate', 'app', 'worker', 'sidecar'].map(
        async (svc) => `${svc} ${(await inspect(name(svc))).State.ExitCode}`,
      ),
    );
    o['stop ends each container by its stop signal'] = exits.join(', ');
    o['published ports'] = `${page.trim()} | ${publishedWhileRunning} | stopped: ${await appPorts()}`;

    // then start: the job must wait for db to be healthy again, as Compose's start does.
    const start = await berth('start');
    const again = await inspect(name('migrate'));
    o['start follows depends_on'] = `${start.code === 0 ? '' : `start failed (${start.code}) `}migrate ${
      again.State.Status
    } ${again.State.ExitCode}`;

    const down = await berth('down', '-v');
    const label = JSON.stringify({ label: [`com.docker.compose.project=${project}`] });
    const left = [
      ...(await client.call<unknown[]>('GET', '/containers/json', { query: { all: 1, filters: label } })),
      ...(await client.call<unknown[]>('GET', '/networks', { query: { filters: label } })),
      ...((await client.call<{ Volumes: unknown[] | null }>('GET', '/volumes', { query: { filters: label } }))
        .Volumes ?? []),
    ];
    o['down -v removes containers, networks and volumes'] =
      down.code === 0 && left.length === 0 ? 'nothing left' : `${left.length} left (exit ${down.code})`;
    return o;
  } finally {
    await berth('--profile', 'debug', '--profile', 'flaky', 'down', '-v', '--remove-orphans', '-t', '0');
    await docker('rmi', '-f', image, `${project}-app`);
    client.close();
    await engine.close();
  }
}

interface PsRow {
  Service: string;
  Publishers?: { URL: string; PublishedPort: number; TargetPort: number; Protocol: string }[];
}

interface Inspected {
  RestartCount: number;
  State: {
    Status: string;
    Running: boolean;
    Restarting: boolean;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    Health?: { Status: string };
  };
  Config: { StopSignal?: string };
  HostConfig: { IpcMode: string; RestartPolicy: { Name: string; MaximumRetryCount: number } };
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

/** The project folder: stack file, .env, env file, build context, bind sources, secret and config files. */
function writeProject(dir: string): void {
  const p = join(dir, 'project');
  mkdirSync(join(p, 'app'), { recursive: true });
  mkdirSync(join(p, 'site'));
  mkdirSync(join(p, 'out'));
  chmodSync(join(p, 'out'), 0o777);
  writeFileSync(join(p, 'compose.yaml'), STACK);
  writeFileSync(join(p, '.env'), 'DOTENV_VALUE=from-dotenv\n');
  writeFileSync(join(p, 'app.env'), 'FROM_FILE=from-file\n');
  writeFileSync(join(p, 'app', 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(p, 'site', 'index.html'), 'site\n');
  writeFileSync(join(p, 'token.txt'), 's3cret');
  writeFileSync(join(p, 'settings.conf'), 'level=3');
}

describe.runIf(hasRunc && hasDockerd)('a many-feature stack behaves on berthd as on dockerd', () => {
  const seen: Partial<Record<EngineName, Observations>> = {};
  const dirs: string[] = [];

  beforeAll(async () => {
    for (const engine of ['dockerd', 'berthd'] as const) {
      const dir = mkdtempSync(join(tmpdir(), `berth-parity-${engine}-`));
      dirs.push(dir);
      writeProject(dir);
      seen[engine] = await observe(engine, dir);
    }
  }, 240_000);

  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the stack file used covers every feature of the trial', () => {
    expect(readFileSync(join(dirs[0]!, 'project', 'compose.yaml'), 'utf8')).toBe(STACK);
    expect(Object.keys(seen.berthd ?? {}).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s', (feature) => {
    const expected = EXPECTED[feature]!;
    expect(seen.dockerd?.[feature], 'dockerd').toEqual(expected);
    expect(seen.berthd?.[feature], 'berthd').toEqual(seen.dockerd?.[feature]);
  });
});
