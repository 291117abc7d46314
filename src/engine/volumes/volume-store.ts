// Volumes on disk: one folder per volume under <root>/volumes/<name>, its data in _data (Docker's Mountpoint) and
// its record in volume.json. A volume is made whole in a temp folder and renamed into place, and removed by a
// rename into the trash, so a crash leaves either all of a volume or none of it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { publishDir, writeFileAtomic } from '../fs/atomic-write.js';
import type { Lock } from '../content/lock.js';
import { createLock } from '../content/lock.js';
import { EngineError } from '../errors.js';
import { hasMountsUnder } from '../runtime/overlay.js';
import { unmountDevice } from './local-driver.js';
import { checkVolumeName } from './volume-name.js';

/**
 * One volume. Invariants: `name` passes checkVolumeName (so it is one plain folder name); `driver` is "local";
 * the record never changes after create, so it is written once.
 */
export interface VolumeRecord {
  name: string;
  driver: string;
  labels: Record<string, string>;
  /** DriverOpts as given (type, device, o). */
  options: Record<string, string>;
  /** RFC 3339, seconds, as Docker shows it. */
  createdAt: string;
}

const CREATING = '.creating-';
const REMOVING = '.removing-';

export class VolumeStore {
  readonly dir: string;
  private readonly records = new Map<string, VolumeRecord>();
  private readonly lock: Lock = createLock();

  private constructor(root: string) {
    this.dir = join(root, 'volumes');
  }

  /** Reads every volume; finishes what a crash cut short (half-made volumes and removals), never across a mount. */
  static async open(root: string): Promise<VolumeStore> {
    const store = new VolumeStore(root);
    mkdirSync(store.dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(store.dir)) {
      const path = join(store.dir, name);
      if (name.startsWith(CREATING) || name.startsWith(REMOVING)) {
        if (!(await hasMountsUnder(path))) await rm(path, { recursive: true, force: true });
        continue;
      }
      try {
        const record = JSON.parse(readFileSync(join(path, 'volume.json'), 'utf8')) as VolumeRecord;
        if (record.name === name) store.records.set(name, record);
      } catch {
        // Not one of ours (no readable record): left alone rather than deleted.
      }
    }
    return store;
  }

  /** The host folder of the volume's data (Docker's Mountpoint). */
  dataOf(name: string): string {
    return join(this.dir, name, '_data');
  }

  find(name: string): VolumeRecord | undefined {
    return this.records.get(name);
  }

  get(name: string): VolumeRecord {
    const v = this.records.get(name);
    if (!v) throw new EngineError('not-found', 'ENGINE_NO_SUCH_VOLUME', `get ${name}: no such volume`);
    return v;
  }

  list(): VolumeRecord[] {
    return [...this.records.values()];
  }

  /** Creates the volume, or returns the one of that name (`created: false`), as Docker's create does. */
  create(spec: Omit<VolumeRecord, 'createdAt' | 'driver'>): Promise<{ volume: VolumeRecord; created: boolean }> {
    checkVolumeName(spec.name);
    return this.lock(async () => {
      const existing = this.records.get(spec.name);
      if (existing) return { volume: existing, created: false };
      const volume: VolumeRecord = {
        name: spec.name,
        driver: 'local',
        labels: { ...spec.labels },
        options: { ...spec.options },
        createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      const temp = join(this.dir, `${CREATING}${randomBytes(6).toString('hex')}`);
      await publishDir(temp, join(this.dir, spec.name), async () => {
        await mkdir(join(temp, '_data'), { mode: 0o755 });
        await writeFileAtomic(join(temp, 'volume.json'), JSON.stringify(volume));
      });
      this.records.set(spec.name, volume);
      return { volume, created: true };
    });
  }

  /**
   * Deletes the volume and its data. A device volume is unmounted first; if anything is still mounted in the
   * volume's folder it is refused, so a delete never reaches a device or host folder mounted there.
   */
  remove(name: string): Promise<void> {
    return this.lock(async () => {
      this.get(name);
      const path = join(this.dir, name);
      await unmountDevice(this.dataOf(name));
      if (await hasMountsUnder(path)) {
        throw new EngineError('internal', 'ENGINE_VOLUME_BUSY', `remove ${name}: something is mounted in ${path}`, {
          hint: `unmount it (umount ${this.dataOf(name)}) and try again`,
        });
      }
      const trash = join(this.dir, `${REMOVING}${name}-${randomBytes(6).toString('hex')}`);
      await rename(path, trash);
      this.records.delete(name);
      await rm(trash, { recursive: true, force: true });
    });
  }
}
