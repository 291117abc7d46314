// A real registry for the pull/push tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1, storing in the
// test's folder, optionally behind htpasswd basic auth; and the engines the CLI drives (berthd, Debian's dockerd),
// each on its own data root and socket. Everything is stopped and unmounted by `close`.
import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { EngineClient } from '../../src/engine/client/engine-client.js';
import { freePort } from './loopback.js';

const run = promisify(execFile);

export const hasRegistry = spawnSync('docker-registry', ['--version']).status === 0;
export const hasDockerd = spawnSync('dockerd', ['--version']).status === 0;
export const hasHtpasswd = spawnSync('htpasswd', ['-h']).status !== null;

export interface Registry {
  /** host:port, the registry part of image references. */
  host: string;
  close(): Promise<void>;
}

/** Status of GET /v2/ (0 when nothing answers). */
function ping(host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: Number(host.split(':')[1]), path: '/v2/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** A registry in `dir`; with `user`, basic auth with that user and password (bcrypt htpasswd file). */
export async function startRegistry(dir: string, user?: { name: string; password: string }): Promise<Registry> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let auth = '';
  if (user) {
    const { stdout } = await run('htpasswd', ['-Bbn', user.name, user.password]);
    writeFileSync(join(dir, 'htpasswd'), stdout);
    auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: ${join(dir, 'data')}}\n` +
      `http:\n  addr: ${host}\n${auth}`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && (await ping(host)) === 0; i++) await new Promise((r) => setTimeout(r, 100));
  return {
    host,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface TestEngine {
  kind: 'berthd' | 'dockerd';
  socket: string;
  /** What berth needs in its environment to use this engine. */
  env: Record<string, string>;
  client: EngineClient;
  /** The docker CLI against this engine; `config`: a DOCKER_CONFIG folder for its credentials. */
  docker(args: string[], config?: string): Promise<{ stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function startEngine(kind: 'berthd' | 'dockerd', dir: string): Promise<TestEngine> {
  mkdirSync(dir, { recursive: true });
  let socket: string;
  let env: Record<string, string>;
  let stop: () => Promise<void>;
  if (kind === 'berthd') {
    const d = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    [socket, env, stop] = [d.socket, { BERTH_SOCKET: d.socket, BERTH_ROOT: d.root }, () => d.close()];
  } else {
    socket = join(dir, 'docker.sock');
    const ns = `berth-test-${basename(dir)}`;
    const child = spawn(
      'dockerd',
      [
        ...[
          '--data-root',
          join(dir, 'docker'),
          '--exec-root',
          join(dir, 'dexec'),
          '--pidfile',
          join(dir, 'docker.pid'),
        ],
        ...['-H', `unix://${socket}`, '--bridge=none', '--iptables=false', '--ip-masq=false'],
        ...['--containerd-namespace', ns, '--containerd-plugins-namespace', `${ns}-p`],
      ],
      { stdio: 'ignore' },
    );
    const probe = new EngineClient(socket);
    for (let i = 0; i < 300; i++) {
      if (
        await probe.call('GET', '/_ping').then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    probe.close();
    env = { DOCKER_HOST: `unix://${socket}` };
    stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      // Only mounts under this test's own folder, deepest first.
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1] ?? '')
        .filter((m) => m.startsWith(`${dir}/`))
        .reverse();
      for (const m of mounts) spawnSync('umount', [m]);
    };
  }
  const client = new EngineClient(socket);
  return {
    kind,
    socket,
    env,
    client,
    // Asynchronous: berthd runs in this process, so a synchronous child would block it.
    docker: (args, config) =>
      run('docker', config ? ['--config', config, ...args] : args, {
        env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
      }),
    close: async () => {
      client.close();
      await stop();
    },
  };
}

/** Whether the engine can pull from a registry: berthd says "cannot pull from registries yet" until it can. */
export async function canPull(engine: TestEngine, registry: Registry): Promise<boolean> {
  const res = await engine.client.raw('POST', '/images/create', {
    query: { fromImage: `${registry.host}/berth-probe/none`, tag: 'x' },
  });
  let body = '';
  for await (const c of res) body += String(c);
  return !/cannot pull from registries yet/.test(body);
}
