// Which mounts a container gets, decided at create from its HostConfig, Config.Volumes and the image's Volumes,
// in moby's order (registerMountPoints, then createContainerOSSpecificSettings): VolumesFrom first, Binds and
// Mounts over them (a destination given twice is an error), then an anonymous volume for every declared volume
// path nothing else covers. Pure: other containers' mounts come in through `mountsOf`.
import { EngineError } from '../errors.js';
import type { ApiMount } from './api-mount.js';
import { parseApiMount } from './api-mount.js';
import type { ContainerMount } from './mount-spec.js';
import { checkTarget, isValidMode, parseBind } from './mount-spec.js';

export interface MountRequest {
  binds?: readonly string[] | null;
  mounts?: readonly ApiMount[] | null;
  volumesFrom?: readonly string[] | null;
  /** HostConfig.Tmpfs: its destinations are taken. */
  tmpfs?: Readonly<Record<string, string>> | null;
  /** Config.Volumes and the image's Volumes, keys only. */
  volumes: readonly string[];
  /** The mounts of another container, by reference; throws not-found for an unknown one. */
  mountsOf: (ref: string) => readonly ContainerMount[];
}

/** The container's mounts, in order; anonymous volumes have `name: ''` until create names them. */
export function planMounts(req: MountRequest): ContainerMount[] {
  const planned = new Map<string, ContainerMount>();
  for (const spec of req.volumesFrom ?? []) {
    const { ref, rw } = parseVolumesFrom(spec);
    for (const m of req.mountsOf(ref)) {
      if (m.type === 'tmpfs') continue;
      planned.set(m.destination, { ...m, rw: m.rw && rw, mode: '', ...(m.type === 'volume' ? { noCopy: true } : {}) });
    }
  }
  const tmpfs = new Set(Object.keys(req.tmpfs ?? {}).map((d) => d.replace(/(.)\/+$/, '$1')));
  const explicit = new Set<string>();
  const add = (m: ContainerMount): void => {
    if (explicit.has(m.destination) || tmpfs.has(m.destination)) {
      throw new EngineError('invalid', 'ENGINE_DUPLICATE_MOUNT', `Duplicate mount point: ${m.destination}`);
    }
    explicit.add(m.destination);
    planned.set(m.destination, m);
  };
  for (const raw of req.binds ?? []) add(parseBind(raw));
  for (const m of req.mounts ?? []) add(parseApiMount(m));
  for (const path of req.volumes) {
    const destination = checkTarget('volume', path);
    if (planned.has(destination) || tmpfs.has(destination)) continue;
    planned.set(destination, {
      type: 'volume',
      name: '',
      anonymous: true,
      destination,
      rw: true,
      mode: '',
      propagation: '',
      noCopy: false,
    });
  }
  return [...planned.values()];
}

/** `container[:ro|rw]`, as `--volumes-from` takes it. */
export function parseVolumesFrom(spec: string): { ref: string; rw: boolean } {
  const parts = spec.split(':');
  const ref = parts[0] ?? '';
  const mode = parts[1] ?? 'rw';
  if (ref === '' || parts.length > 2) {
    throw new EngineError('invalid', 'ENGINE_INVALID_MOUNT', `invalid volumes-from specification: '${spec}'`);
  }
  if (!isValidMode(mode)) throw new EngineError('invalid', 'ENGINE_INVALID_MOUNT', `invalid mode: ${mode}`);
  if (mode.split(',').some((m) => !['ro', 'rw', 'z', 'Z'].includes(m))) {
    throw new EngineError('invalid', 'ENGINE_INVALID_MOUNT', `invalid mode for volumes-from: ${mode}`);
  }
  return { ref, rw: !mode.split(',').includes('ro') };
}
