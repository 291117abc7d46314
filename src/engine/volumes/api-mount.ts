// One HostConfig.Mounts item (`--mount`, Compose's long syntax) into berthd's ContainerMount, with Docker's
// checks and messages (moby validateMountConfig). Pure: whether a bind source exists is checked by the caller.
import { posix } from 'node:path';
import { checkDriverName } from './local-driver.js';
import type { ContainerMount } from './mount-spec.js';
import { checkTarget, mountConfigError } from './mount-spec.js';
import { checkVolumeName } from './volume-name.js';

/** HostConfig.Mounts[i] as the Docker API sends it (API 1.41 fields). */
export interface ApiMount {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean } | null;
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string> | null;
    DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null;
    Subpath?: string;
  } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number } | null;
}

const PROPAGATION = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);

export function parseApiMount(m: ApiMount): ContainerMount {
  const type = m.Type ?? '';
  const rw = m.ReadOnly !== true;
  const source = m.Source ?? '';
  const refuse = (field: 'BindOptions' | 'VolumeOptions' | 'TmpfsOptions'): void => {
    if (m[field]) throw mountConfigError(type, `field ${field} must not be specified`);
  };
  switch (type) {
    case 'bind': {
      refuse('VolumeOptions');
      refuse('TmpfsOptions');
      if (source === '') throw mountConfigError(type, 'field Source must not be empty');
      const destination = checkTarget(type, m.Target ?? '');
      if (!source.startsWith('/')) {
        throw mountConfigError(type, `invalid mount path: '${source}' mount path must be absolute`);
      }
      const propagation = m.BindOptions?.Propagation || 'rprivate';
      if (!PROPAGATION.has(propagation)) throw mountConfigError(type, `invalid propagation mode: ${propagation}`);
      return {
        type: 'bind',
        source: posix.normalize(source).replace(/(.)\/+$/, '$1'),
        destination,
        rw,
        mode: '',
        propagation,
        createSource: m.BindOptions?.CreateMountpoint === true,
        ...(m.BindOptions?.NonRecursive === true ? { nonRecursive: true } : {}),
      };
    }
    case 'volume': {
      refuse('BindOptions');
      refuse('TmpfsOptions');
      const destination = checkTarget(type, m.Target ?? '');
      if (source === '' && !rw) throw mountConfigError(type, 'must not set ReadOnly mode when using anonymous volumes');
      if (source !== '') checkVolumeName(source);
      const opts = m.VolumeOptions ?? {};
      if (opts.Subpath) throw mountConfigError(type, 'Subpath needs API 1.45; berthd speaks 1.41');
      checkDriverName(opts.DriverConfig?.Name ?? '');
      return {
        type: 'volume',
        name: source,
        anonymous: source === '',
        destination,
        rw,
        mode: 'z',
        propagation: '',
        noCopy: opts.NoCopy === true,
        labels: { ...(opts.Labels ?? {}) },
        options: { ...(opts.DriverConfig?.Options ?? {}) },
      };
    }
    case 'tmpfs': {
      refuse('BindOptions');
      refuse('VolumeOptions');
      if (source !== '') throw mountConfigError(type, 'field Source must not be specified');
      return {
        type: 'tmpfs',
        destination: checkTarget(type, m.Target ?? ''),
        rw,
        mode: '',
        propagation: '',
        options: tmpfsOptions(m.TmpfsOptions ?? {}, rw),
      };
    }
    default:
      throw mountConfigError(type, 'mount type unknown');
  }
}

/** TmpfsOptions as mount(8) options, written as moby's ConvertTmpfsOptions does ("ro,size=1m,mode=1777"). */
export function tmpfsOptions(opts: { SizeBytes?: number; Mode?: number }, rw: boolean): string {
  const out: string[] = rw ? [] : ['ro'];
  const size = opts.SizeBytes ?? 0;
  if (size < 0) throw mountConfigError('tmpfs', `invalid tmpfs size: ${size}`);
  if (size > 0) {
    const units: Array<[number, string]> = [
      [1024 ** 3, 'g'],
      [1024 ** 2, 'm'],
      [1024, 'k'],
    ];
    const [unit, suffix] = units.find(([u]) => size % u === 0) ?? [1, ''];
    out.push(`size=${size / unit}${suffix}`);
  }
  if (opts.Mode) out.push(`mode=${opts.Mode.toString(8)}`);
  return out.join(',');
}
