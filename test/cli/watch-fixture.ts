// A watched stack on one engine (berthd or Debian's dockerd), for the watch tests and the benchmark: the engine,
// a busybox image, the project folder, `berth watch` running in-process with its events collected, and helpers
// that read the containers through the docker CLI. `close` stops the watch and removes all it made.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CliContext, ProjectOptions } from '../../src/cli/context.js';
import { upCommand } from '../../src/cli/commands/up.js';
import { watchCommand } from '../../src/cli/commands/watch.js';
import type { WatchEvent } from '../../src/cli/watch/actions.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import type { Engine, EngineName } from './engines.js';
import { startEngine } from './engines.js';

const run = promisify(execFile);

export interface WatchedStack {
  dir: string;
  project: string;
  image: string;
  events: WatchEvent[];
  output: string[];
  /** The docker CLI against this engine; resolves with stdout. */
  docker(...args: string[]): Promise<string>;
  /** The id of the service's (first) container, stopped ones too. */
  idOf(service: string): Promise<string>;
  /** Resolves with the first event (counted from `from`) that `pred` accepts; rejects after `ms`. */
  waitFor(pred: (e: WatchEvent) => boolean, opts?: { from?: number; ms?: number }): Promise<WatchEvent>;
  /** Starts `berth watch` on the stack, which must already be written (see `write`); resolves once it watches. */
  startWatch(services?: string[]): Promise<void>;
  write(path: string, content: string): void;
  close(): Promise<void>;
}

export async function startWatchedStack(engineName: EngineName, name: string): Promise<WatchedStack> {
  const root = mkdtempSync(join(tmpdir(), `berth-${name}-`));
  const dir = join(root, 'project');
  mkdirSync(dir);
  const project = `berth-${name}-${engineName}-${process.pid}`;
  const image = `${project}/busybox:1`;
  let engine: Engine | undefined;
  const stopWatch = new AbortController();
  let watching: Promise<void> | undefined;
  const events: WatchEvent[] = [];
  const output: string[] = [];
  try {
    engine = await startEngine(engineName, join(root, 'engine'));
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  const eng = engine;
  const env = { HOME: '/root', PATH: process.env.PATH ?? '', ...eng.env, IMAGE: image };
  const docker = async (...args: string[]): Promise<string> =>
    (await run('docker', args, { env: { ...process.env, DOCKER_HOST: `unix://${eng.socket}` } })).stdout;
  writeFileSync(join(root, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
  await docker('load', '-i', join(root, 'busybox.tar'));
  const ctx = (signal?: AbortSignal): CliContext => ({
    cwd: dir,
    env,
    stdout: (t) => output.push(t),
    stderr: (t) => output.push(t),
    readStdin: () => '',
    signal,
  });
  const global: ProjectOptions = { file: [], envFile: [], profile: [], projectName: project, progress: 'quiet' };
  const write = (path: string, content: string): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  return {
    dir,
    project,
    image,
    events,
    output,
    docker,
    idOf: async (service) =>
      (await docker('ps', '-aq', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`,
          '--filter', `label=com.docker.compose.service=${service}`)) // prettier-ignore
        .trim()
        .split('\n')[0] ?? '',
    waitFor: async (pred, opts = {}) => {
      const deadline = Date.now() + (opts.ms ?? 20_000);
      for (;;) {
        const found = events.slice(opts.from ?? 0).find(pred);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`no such watch event; saw:\n${events.map((e) => JSON.stringify(e)).join('\n')}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    startWatch: async (services = []) => {
      await upCommand(ctx(), global, [], { detach: true, scale: [] });
      let ready: () => void = () => undefined;
      const started = new Promise<void>((r) => (ready = r));
      watching = watchCommand(ctx(stopWatch.signal), global, services, {
        up: false,
        onEvent: (e) => events.push(e),
        onReady: () => ready(),
      });
      await Promise.race([started, watching]);
    },
    write,
    close: async () => {
      stopWatch.abort();
      await watching?.catch(() => undefined);
      try {
        const label = `label=com.docker.compose.project=${project}`;
        const left = (await docker('ps', '-aq', '--filter', label)).trim();
        if (left) await docker('rm', '-f', '-v', ...left.split('\n'));
        const nets = (await docker('network', 'ls', '-q', '--filter', label)).trim();
        if (nets) await docker('network', 'rm', ...nets.split('\n'));
      } finally {
        await eng.close();
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
