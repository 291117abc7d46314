// Volumes of the in-memory engine: local volumes by name. Creating a name in use gives the existing volume (as
// dockerd and berthd do), a volume any container uses cannot be removed, and `force` makes removing a missing one succeed,
// as `docker volume rm -f` does.
import type { EngineClient, VolumeCreate, VolumeSummary } from '../types.js';
import { matchesLabels } from './filters.js';
import type { MemoryState, VolumeRecord } from './state.js';
import { engineError } from './state.js';

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function memoryVolumes(s: MemoryState): EngineClient['volumes'] {
  return {
    list: async (filter = {}) =>
      [...s.volumes.values()]
        .filter((v) => matchesLabels(v.labels, filter.labels))
        .filter((v) => filter.names === undefined || filter.names.includes(v.name))
        .map(summary),
    inspect: async (name) => {
      const v = s.volumes.get(name);
      return v ? summary(v) : undefined;
    },
    // A name in use gives the volume that has it, as Docker's create does on purpose (Compose relies on it).
    create: async (req) => summary(ensureVolume(s, req)),
    remove: async (name, opts = {}) => {
      const v = s.volumes.get(name);
      if (!v) {
        if (opts.force) return;
        throw engineError('not-found', `get ${name}: no such volume`);
      }
      const users = [...s.containers.values()].filter((c) => c.volumes.includes(name));
      if (users.length > 0) {
        throw engineError(
          'conflict',
          `remove ${name}: volume is in use - [${users.map((c) => c.id).join(', ')}]`,
          'remove the containers that use it first',
        );
      }
      removeVolume(s, name);
    },
  };
}

/** The volume `req.name`, created (with its event) when missing; container create uses it for named mounts. */
export function ensureVolume(s: MemoryState, req: VolumeCreate): VolumeRecord {
  const existing = s.volumes.get(req.name);
  if (existing) return existing;
  if (!VALID_NAME.test(req.name)) {
    throw engineError('invalid', `"${req.name}" includes invalid characters for a local volume name`);
  }
  const v: VolumeRecord = {
    name: req.name,
    driver: req.driver ?? 'local',
    labels: { ...(req.labels ?? {}) },
    created: s.isoNow(),
  };
  s.volumes.set(v.name, v);
  s.record('volumes.create', v.name);
  s.emit('volume', 'create', v.name, { driver: v.driver });
  return v;
}

export function removeVolume(s: MemoryState, name: string): void {
  const v = s.volumes.get(name);
  if (!v) return;
  s.record('volumes.remove', name);
  s.volumes.delete(name);
  s.emit('volume', 'destroy', name, { driver: v.driver });
}

function summary(v: VolumeRecord): VolumeSummary {
  return { name: v.name, driver: v.driver, mountpoint: `/memory/volumes/${v.name}/_data`, labels: { ...v.labels } };
}
