// The volumes of a berthd: what the /volumes routes and the container mounts share. It adds to the store what
// needs the containers or the event stream: "in use" (a volume a container records, running or not), Docker's
// create-or-return, remove and prune, the events, and mounting a device volume while containers run on it.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerStore } from '../containers/container-store.js';
import type { EventBus } from '../events/event-bus.js';
import { EngineError } from '../errors.js';
import { checkDriverName, checkDriverOptions, isDeviceVolume, mountDevice, unmountDevice } from './local-driver.js';
import { recordedMounts } from './mount-spec.js';
import { filterVolumes, pruneCandidates } from './volume-filters.js';
import { newVolumeName } from './volume-name.js';
import type { VolumeRecord } from './volume-store.js';
import { VolumeStore } from './volume-store.js';

/** POST /volumes/create's body. */
export interface VolumeCreateRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface VolumeServiceDeps {
  root: string;
  containers: ContainerStore;
  events: EventBus;
}

export class VolumeService {
  readonly store: VolumeStore;
  private readonly deps: VolumeServiceDeps;

  private constructor(deps: VolumeServiceDeps, store: VolumeStore) {
    this.deps = deps;
    this.store = store;
  }

  static async open(deps: VolumeServiceDeps): Promise<VolumeService> {
    return new VolumeService(deps, await VolumeStore.open(deps.root));
  }

  /** Docker's volume create: a new volume, or the existing one of that name unchanged. */
  async create(req: VolumeCreateRequest): Promise<VolumeRecord> {
    checkDriverName(req.Driver ?? '');
    const options = { ...(req.DriverOpts ?? {}) };
    checkDriverOptions(options);
    const { volume, created } = await this.store.create({
      name: req.Name || newVolumeName(),
      labels: { ...(req.Labels ?? {}) },
      options,
    });
    if (created) this.deps.events.emit('volume', 'create', volume.name, { driver: volume.driver });
    return volume;
  }

  /** Ids of the containers that record a mount of the volume (running or not), as Docker's references. */
  usersOf(name: string, except?: string): string[] {
    return this.deps.containers
      .all()
      .filter((c) => c.id !== except && recordedMounts(c).some((m) => m.type === 'volume' && m.name === name))
      .map((c) => c.id);
  }

  list(filters: Map<string, string[]>): VolumeRecord[] {
    return filterVolumes(this.store.list(), filters, (n) => this.usersOf(n).length > 0);
  }

  /** Docker's volume rm: refused while a container uses it; `force` only makes a missing volume no error. */
  async remove(name: string, opts: { force?: boolean; except?: string } = {}): Promise<void> {
    if (!this.store.find(name)) {
      if (opts.force) return;
      this.store.get(name);
    }
    const users = this.usersOf(name, opts.except);
    if (users.length > 0) {
      throw new EngineError(
        'conflict',
        'ENGINE_VOLUME_IN_USE',
        `remove ${name}: volume is in use - [${users.join(', ')}]`,
        {
          hint: 'remove the containers that use it first (docker rm)',
        },
      );
    }
    const v = this.store.get(name);
    await this.store.remove(name);
    this.deps.events.emit('volume', 'destroy', name, { driver: v.driver });
  }

  /** Removes every unused volume the filters keep (API 1.41 prunes named volumes too). */
  async prune(filters: Map<string, string[]>): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const candidates = pruneCandidates(this.store.list(), filters, (n) => this.usersOf(n).length > 0);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of candidates) {
      const size = isDeviceVolume(v.options) ? 0 : await sizeOf(this.store.dataOf(v.name));
      try {
        await this.remove(v.name);
      } catch (e) {
        if (e instanceof EngineError && (e.kind === 'conflict' || e.kind === 'not-found')) continue; // used meanwhile
        throw e;
      }
      deleted.push(v.name);
      reclaimed += size;
    }
    this.deps.events.emit('volume', 'prune', '', { reclaimed: String(reclaimed) });
    return { VolumesDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  /** The host folder a container mounts for the volume; a device volume is mounted on it first. */
  async mountpoint(name: string): Promise<string> {
    const v = this.store.get(name);
    const data = this.store.dataOf(name);
    if (isDeviceVolume(v.options)) await mountDevice(v.options, data);
    return data;
  }

  /** Unmounts a device volume once no running container uses it. */
  async release(name: string): Promise<void> {
    const v = this.store.find(name);
    if (!v || !isDeviceVolume(v.options)) return;
    const running = this.deps.containers.all().filter((c) => c.state.Running || c.state.Paused);
    if (running.some((c) => recordedMounts(c).some((m) => m.type === 'volume' && m.name === name))) return;
    await unmountDevice(this.store.dataOf(name));
  }

  /** GET /volumes/{name}'s shape. */
  json(v: VolumeRecord): unknown {
    return {
      CreatedAt: v.createdAt,
      Driver: v.driver,
      Labels: Object.keys(v.labels).length > 0 ? v.labels : null,
      Mountpoint: this.store.dataOf(v.name),
      Name: v.name,
      Options: Object.keys(v.options).length > 0 ? v.options : null,
      Scope: 'local',
    };
  }
}

/** Bytes of the files under `dir`, counted without following symlinks or leaving its file system. */
async function sizeOf(dir: string): Promise<number> {
  const top = await lstat(dir).catch(() => undefined);
  if (!top) return 0;
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const stat = await lstat(join(path, entry.name));
      if (stat.dev !== top.dev) continue;
      if (stat.isDirectory()) await walk(join(path, entry.name));
      else if (stat.isFile()) total += stat.size;
    }
  };
  await walk(dir).catch(() => undefined);
  return total;
}
