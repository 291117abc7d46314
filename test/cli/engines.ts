// The two engines the CLI's parity tests run one scenario on: a berthd of its own in this process, and Debian's
// dockerd on its own data root, exec root, socket and containerd namespace (test/engine/dockerd-engine.ts), which
// touches neither the host's firewall nor its default bridge.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { startDockerd } from '../engine/dockerd-engine.js';
import { RawEngineApi } from '../client/raw-engine-api.js';

export { hasDockerd } from '../engine/dockerd-engine.js';
export const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

export type EngineName = 'berthd' | 'dockerd';

/** A running engine: its socket, what berth needs in its environment to use it, and how to stop it. */
export interface Engine {
  socket: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the named engine with everything under `dir`. */
export function startEngine(name: EngineName, dir: string): Promise<Engine> {
  return name === 'berthd' ? berthdEngine(dir) : dockerdEngine(dir);
}

export async function berthdEngine(dir: string): Promise<Engine> {
  const d: Berthd = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
  return {
    socket: d.socket,
    env: { BERTH_SOCKET: d.socket, BERTH_ROOT: d.root },
    close: async () => {
      await sweepEngine(d.socket);
      await d.close();
    },
  };
}

export async function dockerdEngine(dir: string): Promise<Engine> {
  const d = await startDockerd(dir);
  return {
    socket: d.socket,
    env: { DOCKER_HOST: `unix://${d.socket}` },
    close: async () => {
      await sweepEngine(d.socket);
      await d.close();
    },
  };
}

/**
 * Removes every container and every network but the predefined ones from an engine about to stop. Both engines
 * keep their networks' bridges on the host over a stop (and berthd its containers), so a test that failed before
 * its own `down` would otherwise leave bridges behind.
 */
async function sweepEngine(socket: string): Promise<void> {
  const api = new RawEngineApi(socket);
  try {
    const containers = await api.call<Array<{ Id: string }>>('GET', '/containers/json', { query: { all: 1 } });
    for (const c of containers) {
      await api.call('DELETE', `/containers/${c.Id}`, { query: { force: 1 } }).catch(() => undefined);
    }
    const networks = await api.call<Array<{ Id: string; Name: string }>>('GET', '/networks');
    for (const n of networks.filter((x) => !['bridge', 'host', 'none'].includes(x.Name))) {
      await api.call('DELETE', `/networks/${n.Id}`).catch(() => undefined);
    }
  } catch {
    // an engine that does not answer any more has nothing to sweep through its API
  } finally {
    api.close();
  }
}
