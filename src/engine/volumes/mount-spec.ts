// A container's mounts as berthd keeps them from create on: HostConfig.Binds entries and HostConfig.Mounts items
// parsed into one shape, with Docker's validation and messages (moby volume/mounts/linux_parser.go). Pure.
import { posix } from 'node:path';
import { EngineError } from '../errors.js';

interface MountBase {
  /** Absolute and clean, never "/". */
  destination: string;
  rw: boolean;
  /** The mode text inspect shows ("z", "ro", "" ...). */
  mode: string;
  /** "" or a propagation mode (rprivate, rshared, ...). */
  propagation: string;
}

/**
 * A named or anonymous volume. `name` is '' only before create has named an anonymous volume; `labels` and
 * `options` are what a volume created on use gets (HostConfig.Mounts VolumeOptions).
 */
export interface VolumeMount extends MountBase {
  type: 'volume';
  name: string;
  anonymous: boolean;
  noCopy: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

/** A host path. `createSource`: a missing source is made at start (Binds, CreateMountpoint), else an error. */
export interface BindMount extends MountBase {
  type: 'bind';
  source: string;
  createSource: boolean;
  /** BindOptions.NonRecursive: `bind` rather than `rbind`. */
  nonRecursive?: boolean;
}

/** A tmpfs from HostConfig.Mounts; `options` in mount(8) form ("size=1m,mode=1777"). */
export interface TmpfsMount extends MountBase {
  type: 'tmpfs';
  options: string;
}

export type ContainerMount = VolumeMount | BindMount | TmpfsMount;

/** What ContainerVolumes keeps in `record.attachments.volumes`. */
export interface VolumeAttachmentData {
  mounts: ContainerMount[];
}

const PROPAGATION = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);

export function invalidSpec(raw: string, why?: string): EngineError {
  const head = `invalid volume specification: '${raw}'`;
  return new EngineError('invalid', 'ENGINE_INVALID_MOUNT', why === undefined ? head : `${head}: ${why}`);
}

export function mountConfigError(type: string, why: string): EngineError {
  return new EngineError('invalid', 'ENGINE_INVALID_MOUNT', `invalid mount config for type "${type}": ${why}`);
}

/** Docker's rule for the mode of a Binds entry: at most one each of rw|ro, z|Z, a propagation, nocopy. */
export function isValidMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = { rw: 0, label: 0, propagation: 0, copy: 0 };
  for (const m of mode.split(',')) {
    if (m === 'rw' || m === 'ro') counts.rw++;
    else if (m === 'z' || m === 'Z') counts.label++;
    else if (PROPAGATION.has(m)) counts.propagation++;
    else if (m === 'nocopy') counts.copy++;
    else return false;
  }
  return Object.values(counts).every((n) => n <= 1);
}

/** Absolute, clean and not "/"; `type` names the mount in the message. */
export function checkTarget(type: string, target: string): string {
  if (target === '') throw mountConfigError(type, 'field Target must not be empty');
  if (!target.startsWith('/')) {
    throw mountConfigError(type, `invalid mount path: '${target}' mount path must be absolute`);
  }
  const clean = posix.normalize(target).replace(/(.)\/+$/, '$1');
  if (clean === '/') throw mountConfigError(type, "invalid specification: destination can't be '/'");
  return clean;
}

/**
 * One HostConfig.Binds entry: `dest` (anonymous volume), `src:dest` or `src:dest:mode`, where `src` is an
 * absolute host path (bind) or a volume name. A missing host folder is created at start, as Docker does.
 */
export function parseBind(raw: string): ContainerMount {
  const parts = raw.split(':');
  if (parts[0] === '' || parts.length > 3) throw invalidSpec(raw);
  if (parts.length === 2 && isValidMode(parts[1] as string)) throw invalidSpec(raw);
  const [source, target] = parts.length === 1 ? ['', parts[0] as string] : [parts[0] as string, parts[1] as string];
  const mode = parts[2] ?? '';
  if (!isValidMode(mode)) throw new EngineError('invalid', 'ENGINE_INVALID_MOUNT', `invalid mode: ${mode}`);
  try {
    return bindOf(source, target, mode);
  } catch (e) {
    throw e instanceof EngineError ? invalidSpec(raw, e.message) : e;
  }
}

function bindOf(source: string, target: string, mode: string): ContainerMount {
  const flags = mode === '' ? [] : mode.split(',');
  const propagation = flags.find((f) => PROPAGATION.has(f)) ?? '';
  const rw = !flags.includes('ro');
  if (source.startsWith('/')) {
    if (flags.includes('nocopy')) throw mountConfigError('bind', 'field VolumeOptions must not be specified');
    return {
      type: 'bind',
      source: posix.normalize(source).replace(/(.)\/+$/, '$1'),
      destination: checkTarget('bind', target),
      rw,
      mode,
      propagation: propagation || 'rprivate',
      createSource: true,
    };
  }
  if (propagation !== '') throw mountConfigError('volume', 'field BindOptions must not be specified');
  const destination = checkTarget('volume', target);
  if (source === '' && !rw) {
    throw mountConfigError('volume', 'must not set ReadOnly mode when using anonymous volumes');
  }
  return {
    type: 'volume',
    name: source,
    anonymous: source === '',
    destination,
    rw,
    // A named local volume shows "z" when no mode is given (moby setBindModeIfNull).
    mode: source !== '' && mode === '' ? 'z' : mode,
    propagation: '',
    noCopy: flags.includes('nocopy'),
  };
}

/** The mounts ContainerVolumes recorded for a container at create ([] for one created without them). */
export function recordedMounts(c: { attachments?: { volumes?: unknown } }): ContainerMount[] {
  const data = c.attachments?.volumes as Partial<VolumeAttachmentData> | undefined;
  return Array.isArray(data?.mounts) ? data.mounts : [];
}
