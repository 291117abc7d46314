// The in-memory EngineClient: a test double for planner and CLI unit tests, held to the same contract suite as
// berthd and dockerd (test/client/contract.ts). Deterministic (ids from a counter, time from a logical clock)
// and synchronous inside: every call changes the state at once and emits its events in order. Its test API sets
// what a real engine would decide on its own: a container's health, its process ending, its output.
import type { ContainerHealth, EngineClient, EngineInfo, LogChunk } from '../types.js';
import { memoryContainers } from './containers.js';
import { streamEvents } from './events.js';
import { isRunning } from './network-attach.js';
import { memoryExec } from './exec.js';
import { addImage, memoryImages } from './images.js';
import * as life from './lifecycle.js';
import { addBuiltinNetworks, memoryNetworks } from './networks.js';
import type { MemoryCall, MemoryImageSpec } from './state.js';
import { engineError, MemoryState, normalizeTag } from './state.js';
import { memoryVolumes } from './volumes.js';

export type { MemoryCall, MemoryImageSpec } from './state.js';

export interface MemoryEngineOptions {
  /** Images present from the start: tags, or tag to spec (config, files). */
  images?: readonly string[] | Readonly<Record<string, MemoryImageSpec>>;
  /** What a pull can get, by tag; absent: every pull succeeds with a busybox-like image. */
  registry?: Readonly<Record<string, MemoryImageSpec>>;
  /** Milliseconds since the epoch; absent: a logical clock from 2024-01-01 that moves 1 ms per change. */
  now?: () => number;
  /** The back-off before a restart policy's restart; absent: dockerd's 100 ms, doubling. */
  restartDelayMs?: number;
}

/** The EngineClient plus what a test drives and reads. */
export interface MemoryEngine extends EngineClient {
  /** Every changing call, in order ("containers.create" web-1, ...); reads (list, inspect, logs) are not in it. */
  readonly calls: MemoryCall[];
  /** Sets a container's health, as its check would; emits `health_status: STATUS`. */
  setHealth(ref: string, status: ContainerHealth['status']): void;
  /** Ends a running container's process with `exitCode`, as if it ended on its own (the restart policy applies). */
  exit(ref: string, exitCode: number): void;
  /** Adds output to a container's log, as its process would write it. */
  log(ref: string, stream: LogChunk['stream'], text: string): void;
}

export function memoryEngine(opts: MemoryEngineOptions = {}): MemoryEngine {
  const s = new MemoryState(opts.now);
  addBuiltinNetworks(s);
  if (opts.restartDelayMs !== undefined) s.restartDelayMs = () => opts.restartDelayMs ?? 0;
  const images: Array<[string, MemoryImageSpec]> = Array.isArray(opts.images)
    ? (opts.images as readonly string[]).map((t) => [t, {}])
    : Object.entries(opts.images ?? {});
  for (const [tag, spec] of images) addImage(s, tag, spec);
  if (opts.registry) s.registry = new Map(Object.entries(opts.registry).map(([t, spec]) => [normalizeTag(t), spec]));
  // The seeding is not a call the code under test made.
  s.calls.length = 0;
  const info: EngineInfo = {
    name: 'memory',
    serverVersion: '0.0.0-memory',
    apiVersion: '1.41',
    os: 'linux',
    architecture: 'x86_64',
    isBerthd: false,
    securityOptions: [],
    swarm: 'inactive',
  };
  return {
    endpoint: 'memory',
    calls: s.calls,
    info: async () => ({ ...info }),
    close: () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
    containers: memoryContainers(s),
    exec: memoryExec(s),
    images: memoryImages(s),
    networks: memoryNetworks(s),
    volumes: memoryVolumes(s),
    events: (filter, signal) => streamEvents(s, filter, signal),
    setHealth: (ref, status) => {
      const c = s.container(ref);
      if (!isRunning(c)) throw engineError('conflict', `Container ${c.id} is not running`);
      c.health ??= { status: 'starting', failingStreak: 0, log: [] };
      if (c.health.status === status) return;
      c.health.status = status;
      c.health.failingStreak = status === 'unhealthy' ? c.health.failingStreak + 1 : 0;
      s.emit('container', `health_status: ${status}`, c.id, { image: c.image, name: c.name, ...c.body.Labels });
    },
    exit: (ref, exitCode) => {
      const c = s.container(ref);
      if (!isRunning(c)) throw engineError('conflict', `Container ${c.id} is not running`);
      life.endProcess(s, c, { exitCode, byUser: false });
    },
    log: (ref, stream, text) => life.appendOutput(s, s.container(ref), { stream, data: Buffer.from(text) }),
  };
}
