// `berth engine start|stop|status|logs`: the built-in engine as a background process. berthd runs from this
// repository's bin/berthd.js with BERTH_ROOT and BERTH_SOCKET; the CLI never imports berthd's modules.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthError } from '../../errors.js';
import { pingEngine } from '../../client/endpoint.js';

export interface EngineSettings {
  root: string;
  socket: string;
}

export function engineSettings(env: Readonly<Record<string, string | undefined>>): EngineSettings {
  return { root: env.BERTH_ROOT ?? '/var/lib/berth', socket: env.BERTH_SOCKET ?? '/run/berth/berth.sock' };
}

function berthdBin(): string {
  // dist/berth.cjs (bundled) and dist/cli/commands/engine.js both sit below the repository's dist/.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'berthd.js')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'bin', 'berthd.js');
}

export async function engineStart(s: EngineSettings): Promise<string> {
  const running = await pingEngine(s.socket);
  if (running) return `berthd ${running.version} is already running on ${s.socket}\n`;
  mkdirSync(s.root, { recursive: true, mode: 0o700 });
  const out = openSync(join(s.root, 'berthd.out'), 'a');
  const child = spawn(process.execPath, [berthdBin()], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, BERTH_ROOT: s.root, BERTH_SOCKET: s.socket },
  });
  child.unref();
  for (let i = 0; i < 100; i++) {
    const v = await pingEngine(s.socket, 200);
    if (v) return `berthd ${v.version} started (pid ${child.pid}) on ${s.socket}\n`;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new BerthError('ENGINE_START_FAILED', `berthd did not start on ${s.socket}`, {
    hint: `see ${join(s.root, 'berthd.out')} and ${join(s.root, 'berthd.log')}`,
  });
}

export async function engineStop(s: EngineSettings): Promise<string> {
  const pid = readPid(s);
  if (pid === undefined || !(await pingEngine(s.socket))) return 'berthd is not running\n';
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    if (!(await pingEngine(s.socket, 200)))
      return `berthd stopped (containers keep running; they are re-adopted on the next start)\n`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new BerthError('ENGINE_STOP_FAILED', `berthd (pid ${pid}) did not stop`, { hint: `kill ${pid}` });
}

export async function engineStatus(s: EngineSettings): Promise<{ text: string; running: boolean }> {
  const v = await pingEngine(s.socket);
  if (!v) return { text: `berthd is not running (socket ${s.socket})\n`, running: false };
  return {
    text: `berthd ${v.version} (API ${v.apiVersion}) running, pid ${readPid(s) ?? '?'}, socket ${s.socket}, data root ${s.root}\n`,
    running: true,
  };
}

export function engineLogs(s: EngineSettings): string {
  const file = join(s.root, 'berthd.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function readPid(s: EngineSettings): number | undefined {
  try {
    return Number.parseInt(readFileSync(join(s.root, 'berthd.pid'), 'utf8'), 10);
  } catch {
    return undefined;
  }
}
