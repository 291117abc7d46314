// The in-memory engine's state: plain records of containers, images, networks, volumes and execs, a logical
// clock, the event history and the list of changing calls. Everything here is synchronous and deterministic:
// ids come from a counter, time from the clock (a fixed epoch that advances 1 ms per change, unless the test
// gives its own `now`), so two runs of the same test see the same ids, times and events.
import { createHash } from 'node:crypto';
import type { ContainerCreateBody } from '../api-types.js';
import { codeOfKind } from '../docker/answer-error.js';
import { EngineError } from '../errors.js';
import type { ContainerHealth, EngineEvent, EngineErrorKind, LogChunk } from '../types.js';

/** A file in a container or an image: folders have no content; `mode` is the permission bits. */
export interface MemoryFile {
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  content: Buffer;
  linkTarget: string;
  mtime: string;
}

/** An image as a test declares it (`memoryEngine({ images })`): its config and, optionally, files. */
export interface MemoryImageSpec {
  /** Docker's image config (Cmd, Entrypoint, Env, Labels, Healthcheck...). */
  config?: Record<string, unknown>;
  /** Absolute paths to contents (a string or Buffer; a path ending in "/" is a folder). */
  files?: Record<string, string | Buffer>;
  architecture?: string;
  os?: string;
}

export interface ImageRecord {
  id: string;
  tags: string[];
  created: string;
  architecture: string;
  os: string;
  config: Record<string, unknown>;
  files: Map<string, MemoryFile>;
}

export interface ExitRecord {
  exitCode: number;
  error?: string;
}

export interface ContainerRecord {
  id: string;
  name: string;
  image: string;
  imageId: string;
  created: string;
  body: ContainerCreateBody;
  /** The command the container runs: entrypoint then cmd, after the image's defaults. */
  command: string[];
  status: 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'removing' | 'dead';
  exitCode: number;
  pid: number;
  startedAt: string;
  finishedAt: string;
  health?: ContainerHealth;
  restartCount: number;
  /** True once a stop or kill asked for the end: the restart policy does not bring it back. */
  stoppedByUser: boolean;
  /** Network name to endpoint. */
  networks: Map<string, { ipAddress: string; aliases: string[]; networkId: string }>;
  volumes: string[];
  anonymousVolumes: string[];
  logs: Array<LogChunk & { time: string }>;
  files: Map<string, MemoryFile>;
}

export interface NetworkRecord {
  id: string;
  name: string;
  driver: string;
  internal: boolean;
  labels: Record<string, string>;
  created: string;
  /** Only the predefined ones (bridge, host, none); they cannot be removed. */
  builtin: boolean;
  nextHost: number;
  subnet: number;
}

export interface VolumeRecord {
  name: string;
  driver: string;
  labels: Record<string, string>;
  created: string;
}

export interface ExecRecord {
  id: string;
  containerId: string;
  cmd: string[];
  running: boolean;
  exitCode?: number;
  pid: number;
}

/** One changing operation the engine was asked for, in order: `op` is the method ("containers.start"). */
export interface MemoryCall {
  op: string;
  target: string;
}

export const FIXED_EPOCH_MS = Date.parse('2024-01-01T00:00:00Z');

/** A 64-hex id from a counter and a kind: stable across runs. */
function makeId(kind: string, n: number): string {
  return createHash('sha256').update(`${kind}:${n}`).digest('hex');
}

/** An EngineError with the code the Docker client gives that kind when the engine names none (as dockerd). */
export function engineError(kind: EngineErrorKind, message: string, hint?: string): EngineError {
  return new EngineError(kind, codeOfKind(kind), message, hint === undefined ? {} : { hint });
}

/** The whole state; the resource modules (containers.ts, images.ts...) read and change it. */
export class MemoryState {
  readonly containers = new Map<string, ContainerRecord>();
  readonly images = new Map<string, ImageRecord>();
  readonly networks = new Map<string, NetworkRecord>();
  readonly volumes = new Map<string, VolumeRecord>();
  readonly execs = new Map<string, ExecRecord>();
  readonly events: EngineEvent[] = [];
  readonly calls: MemoryCall[] = [];
  /** What pulls can get, by tag; absent: every pull succeeds with a default busybox-like image. */
  registry?: Map<string, MemoryImageSpec>;
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private counter = 0;
  private tick = 0;
  private lastNano = 0n;

  constructor(now?: () => number) {
    this.now = now ?? (() => FIXED_EPOCH_MS + this.tick);
  }

  newId(kind: string): string {
    this.counter += 1;
    return makeId(kind, this.counter);
  }

  newPid(): number {
    this.counter += 1;
    return 1000 + this.counter;
  }

  /** The time now, without moving the logical clock. */
  peekMs(): number {
    return this.now();
  }

  /** Milliseconds since the epoch; the logical clock moves on by one per call. */
  nowMs(): number {
    this.tick += 1;
    return this.now();
  }

  isoNow(): string {
    return new Date(this.nowMs()).toISOString();
  }

  /** The back-off before the restart after `restarts` restarts: dockerd's 100 ms, doubling, unless set. */
  restartDelayMs = (restarts: number): number => 100 * 2 ** restarts;

  record(op: string, target: string): void {
    this.calls.push({ op, target });
  }

  emit(type: string, action: string, id: string, attributes: Record<string, string>): void {
    // Strictly increasing, so `since`/`until` and ordering tests never see two events at the same instant.
    let nano = BigInt(this.nowMs()) * 1_000_000n;
    if (nano <= this.lastNano) nano = this.lastNano + 1n;
    this.lastNano = nano;
    this.events.push({ type, action, id, attributes, timeNano: nano });
    this.notify();
  }

  /** Wakes every waiter (wait, logs --follow, events); each checks its own condition again. */
  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves on the next change (true), or when `signal` aborts or `timeoutMs` pass (false). */
  nextChange(signal?: AbortSignal, timeoutMs?: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(false), timeoutMs);
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        this.listeners.delete(onChange);
        signal?.removeEventListener('abort', onAbort);
        resolve(changed);
      };
      const onChange = (): void => done(true);
      const onAbort = (): void => done(false);
      this.listeners.add(onChange);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A container by id, id prefix or name (with or without "/"); undefined if none. */
  findContainer(ref: string): ContainerRecord | undefined {
    return findByRef(this.containers, ref.replace(/^\//, ''), (c) => c.name);
  }

  container(ref: string): ContainerRecord {
    const c = this.findContainer(ref);
    if (!c) throw engineError('not-found', `No such container: ${ref}`);
    return c;
  }

  findNetwork(ref: string): NetworkRecord | undefined {
    return findByRef(this.networks, ref, (n) => n.name);
  }

  network(ref: string): NetworkRecord {
    const n = this.findNetwork(ref);
    if (!n) throw engineError('not-found', `network ${ref} not found`);
    return n;
  }

  /** An image by tag (":latest" implied), id, "sha256:" id or id prefix. */
  findImage(ref: string): ImageRecord | undefined {
    const tag = normalizeTag(ref);
    for (const img of this.images.values()) if (img.tags.includes(tag)) return img;
    const hex = ref.replace(/^sha256:/, '');
    if (!/^[0-9a-f]{4,64}$/.test(hex)) return undefined;
    const found = [...this.images.values()].filter((i) => i.id.slice('sha256:'.length).startsWith(hex));
    return found.length === 1 ? found[0] : undefined;
  }

  image(ref: string): ImageRecord {
    const img = this.findImage(ref);
    if (!img) throw engineError('not-found', `No such image: ${ref}`);
    return img;
  }
}

/** By exact name first, then exact id, then a unique id prefix, as Docker resolves references. */
function findByRef<T extends { id: string }>(
  map: Map<string, T>,
  ref: string,
  nameOf: (r: T) => string,
): T | undefined {
  const all = [...map.values()];
  const byName = all.find((r) => nameOf(r) === ref) ?? all.find((r) => r.id === ref);
  if (byName || ref.length === 0) return byName;
  const prefixed = all.filter((r) => r.id.startsWith(ref));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** "busybox" → "busybox:latest"; a digest reference stays as it is. */
export function normalizeTag(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastSlash = ref.lastIndexOf('/');
  return ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}
