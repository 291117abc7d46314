// A real registry for the CLI's pull/push tests (test/engine/registry/registry-server.ts: Debian's docker-registry
// on 127.0.0.1, storing in the test's folder), optionally behind htpasswd basic auth; and the engines the CLI drives
// (test/cli/engines.ts), with a client and the docker CLI bound to each. Everything is stopped by `close`.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RawEngineApi } from '../client/raw-engine-api.js';
import { startRegistry as startRegistryServer } from '../engine/registry/registry-server.js';
import { startEngine as startAnyEngine } from './engines.js';

const run = promisify(execFile);

export const hasRegistry = spawnSync('docker-registry', ['--version']).status === 0;
export { hasDockerd } from './engines.js';
export const hasHtpasswd = spawnSync('htpasswd', ['-h']).status !== null;

export interface Registry {
  /** host:port, the registry part of image references. */
  host: string;
  close(): Promise<void>;
}

/** A registry in `dir`; with `user`, basic auth with that user and password (bcrypt htpasswd file). */
export async function startRegistry(dir: string, user?: { name: string; password: string }): Promise<Registry> {
  mkdirSync(dir, { recursive: true });
  let htpasswd: string | undefined;
  if (user) {
    const { stdout } = await run('htpasswd', ['-Bbn', user.name, user.password]);
    htpasswd = join(dir, 'htpasswd');
    writeFileSync(htpasswd, stdout);
  }
  const registry = await startRegistryServer(dir, htpasswd ? { htpasswd } : {});
  return { host: registry.host, close: registry.stop };
}

export interface TestEngine {
  kind: 'berthd' | 'dockerd';
  socket: string;
  /** What berth needs in its environment to use this engine. */
  env: Record<string, string>;
  client: RawEngineApi;
  /** The docker CLI against this engine; `config`: a DOCKER_CONFIG folder for its credentials. */
  docker(args: string[], config?: string): Promise<{ stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function startEngine(kind: 'berthd' | 'dockerd', dir: string): Promise<TestEngine> {
  mkdirSync(dir, { recursive: true });
  const engine = await startAnyEngine(kind, dir);
  const client = new RawEngineApi(engine.socket);
  return {
    kind,
    socket: engine.socket,
    env: engine.env,
    client,
    // Asynchronous: berthd runs in this process, so a synchronous child would block it.
    docker: (args, config) =>
      run('docker', config ? ['--config', config, ...args] : args, {
        env: { ...process.env, DOCKER_HOST: `unix://${engine.socket}` },
      }),
    close: async () => {
      client.close();
      await engine.close();
    },
  };
}
