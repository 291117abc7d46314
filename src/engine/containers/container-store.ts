// Container records on disk: one folder per container under <root>/containers/<id>, its record in
// config.v2.json written atomically (temp file, fsync, rename), so a kill -9 of berthd at any moment leaves either
// the old or the new record, never half of one. The store holds records; lifecycle.ts decides what they say.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { EngineError } from '../errors.js';
import type { HealthState } from './health-config.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** What the container is doing, in the shape of Docker's ContainerState. */
export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** Set from the first start of a container with a healthcheck (health.ts). */
  Health?: HealthState;
}

/**
 * One container. `config` and `hostConfig` are the create request's Config and HostConfig as Docker clients send
 * them (kept verbatim for inspect); `image` is what the client named, `imageId` what it resolved to at create.
 */
export interface ContainerRecord {
  id: string;
  name: string; // without the leading "/"
  created: string;
  image: string;
  imageId: string;
  config: Record<string, unknown>;
  hostConfig: Record<string, unknown>;
  state: ContainerState;
  restartCount: number;
  /** Stopped or killed by a user since its last user start: unless-stopped leaves it down (restart-manager.ts). */
  manuallyStopped?: boolean;
  /** Set while berthd runs a process for it under conmon. */
  conmonPid?: number;
  /** When the running process started (runtime/process-signal.ts), so that a signal never reaches a reused pid. */
  pidStartTime?: string;
  /** What the volume and network modules keep for the container (see attachments.ts), by module. */
  attachments?: { volumes?: unknown; network?: unknown };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
/** Folders of removed containers whose deletion is under way: `.removing-<id>`. */
const TRASH_PREFIX = '.removing-';

export function newState(): ContainerState {
  return {
    Status: 'created',
    Running: false,
    Paused: false,
    Restarting: false,
    OOMKilled: false,
    Dead: false,
    Pid: 0,
    ExitCode: 0,
    Error: '',
    StartedAt: ZERO_TIME,
    FinishedAt: ZERO_TIME,
  };
}

export class ContainerStore {
  private readonly dir: string;
  private readonly records = new Map<string, ContainerRecord>();

  private constructor(root: string) {
    this.dir = join(root, 'containers');
  }

  /**
   * Reads every record; a folder without a readable record (a create cut short) is removed, and so is what a
   * remove cut short left in the trash.
   */
  static open(root: string): ContainerStore {
    const store = new ContainerStore(root);
    mkdirSync(store.dir, { recursive: true, mode: 0o700 });
    for (const id of readdirSync(store.dir)) {
      if (id.startsWith(TRASH_PREFIX)) {
        rmSync(join(store.dir, id), { recursive: true, force: true });
        continue;
      }
      const file = join(store.dir, id, 'config.v2.json');
      try {
        store.records.set(id, JSON.parse(readFileSync(file, 'utf8')) as ContainerRecord);
      } catch {
        rmSync(join(store.dir, id), { recursive: true, force: true });
      }
    }
    return store;
  }

  static newId(): string {
    return randomBytes(32).toString('hex');
  }

  dirOf(id: string): string {
    return join(this.dir, id);
  }

  all(): ContainerRecord[] {
    return [...this.records.values()];
  }

  /** By full id, unique id prefix, or name (with or without "/"), as Docker resolves container references. */
  find(ref: string): ContainerRecord | undefined {
    const name = ref.startsWith('/') ? ref.slice(1) : ref;
    const exact = this.records.get(ref) ?? this.all().find((c) => c.name === name);
    if (exact) return exact;
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    const matches = this.all().filter((c) => c.id.startsWith(ref));
    if (matches.length > 1) {
      throw new EngineError('invalid', 'ENGINE_AMBIGUOUS_ID', `multiple containers found with provided prefix: ${ref}`);
    }
    return matches[0];
  }

  get(ref: string): ContainerRecord {
    const c = this.find(ref);
    if (!c) throw new EngineError('not-found', 'ENGINE_NO_SUCH_CONTAINER', `No such container: ${ref}`);
    return c;
  }

  /** Writes the record (creating its folder on first save). */
  async save(record: ContainerRecord): Promise<void> {
    const dir = this.dirOf(record.id);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(join(dir, 'config.v2.json'), JSON.stringify(record));
    this.records.set(record.id, record);
  }

  /**
   * Forgets the record and deletes the container's folder (its writable layer and logs): renamed into the trash at
   * once, so the container is gone in one atomic step, then deleted in the background (the next open() finishes a
   * deletion that a crash cut short). Resolves when the folder is deleted.
   */
  remove(id: string): Promise<void> {
    this.records.delete(id);
    const trash = join(this.dir, `${TRASH_PREFIX}${id}`);
    try {
      renameSync(this.dirOf(id), trash);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve();
      throw e;
    }
    return rm(trash, { recursive: true, force: true });
  }
}
