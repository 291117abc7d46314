// The filesystem part of a create request, as Compose v2.29's create.go builds it (buildContainerVolumes,
// buildMount, the secret and config mounts): a bind that asks for create_host_path goes to Binds, the only API
// that creates a missing host path (moby/moby#43483); every other volume, bind and tmpfs is a Mount; file-based
// secrets and configs are read-only binds; `tmpfs` entries are HostConfig.Tmpfs.
import { posix } from 'node:path';
import type { HostConfig, Mount } from '../client/api-types.js';
import type { FileReference, VolumeMount } from '../spec/model.js';
import type { SpecNotes } from './container-refs.js';
import { resolveVolumesFrom } from './container-refs.js';
import type { ContainerSpecInput } from './container-spec.js';
import { asString, asStringList } from './model-values.js';

export type ContainerMounts = Pick<HostConfig, 'Binds' | 'Mounts' | 'Tmpfs' | 'VolumesFrom' | 'VolumeDriver'>;

export function containerMounts(input: ContainerSpecInput, notes: SpecNotes): ContainerMounts {
  const { service } = input;
  // by target, as Compose keys them: a later volume replaces an earlier one; secrets and configs only fill gaps
  const byTarget = new Map<string, string | Mount>();
  for (const v of service.volumes ?? []) {
    const bind = v.type === 'bind' && v.bind?.create_host_path === true;
    byTarget.set(cleanPath(v.target), bind ? bindString(v) : volumeMount(v, input));
  }
  const files = [...fileMounts(input, 'secrets', '/run/secrets/', notes), ...fileMounts(input, 'configs', '/', notes)];
  for (const m of files) if (!byTarget.has(m.Target)) byTarget.set(m.Target, m);

  const out: ContainerMounts = {};
  const binds = [...byTarget.values()].filter((m): m is string => typeof m === 'string');
  const mounts = [...byTarget.values()].filter((m): m is Mount => typeof m !== 'string');
  if (binds.length > 0) out.Binds = binds;
  if (mounts.length > 0) out.Mounts = mounts;
  const tmpfs = asStringList(service.tmpfs) ?? [];
  if (tmpfs.length > 0) {
    out.Tmpfs = {};
    for (const t of tmpfs) {
      const colon = t.indexOf(':');
      out.Tmpfs[colon === -1 ? t : t.slice(0, colon)] = colon === -1 ? '' : t.slice(colon + 1);
    }
  }
  const from = asStringList(service.volumes_from) ?? [];
  if (from.length > 0) out.VolumesFrom = resolveVolumesFrom(from, input, notes);
  const driver = asString(service.volume_driver);
  if (driver) out.VolumeDriver = driver;
  return out;
}

/** compose-go ServiceVolumeConfig.String: "SOURCE:TARGET:rw|ro[,z|Z][,PROPAGATION][,nocopy]". */
function bindString(v: VolumeMount): string {
  const options = [v.read_only ? 'ro' : 'rw'];
  if (v.bind?.selinux) options.push(v.bind.selinux);
  if (v.bind?.propagation) options.push(v.bind.propagation);
  if (v.volume?.nocopy) options.push('nocopy');
  return `${v.source ?? ''}:${v.target}:${options.join(',')}`;
}

/** Compose buildMount: a named volume by its Engine name, an anonymous one with no source. */
function volumeMount(v: VolumeMount, input: ContainerSpecInput): Mount {
  const m: Mount = { Type: v.type, Target: cleanPath(v.target) };
  if (v.type === 'volume' && v.source !== undefined) {
    m.Source = input.volumeNames[v.source] ?? input.stack.volumes[v.source]?.name ?? v.source;
  } else if (v.source !== undefined) {
    m.Source = v.source;
  }
  if (v.read_only) m.ReadOnly = true;
  if (v.consistency) m.Consistency = v.consistency;
  // bind.selinux has no Mount API equivalent: Compose drops it here, as berth does
  if (v.type === 'bind' && v.bind) {
    m.BindOptions = {};
    if (v.bind.propagation) m.BindOptions.Propagation = v.bind.propagation;
    const recursive = (v.bind as { recursive?: unknown }).recursive;
    if (recursive === 'disabled') m.BindOptions.NonRecursive = true;
    if (recursive === 'writable') m.BindOptions.ReadOnlyNonRecursive = true;
    if (recursive === 'readonly') m.BindOptions.ReadOnlyForceRecursive = true;
  }
  if (v.type === 'volume' && v.volume) {
    m.VolumeOptions = {};
    if (v.volume.nocopy) m.VolumeOptions.NoCopy = true;
    if (v.volume.subpath) m.VolumeOptions.Subpath = v.volume.subpath;
  }
  if (v.type === 'tmpfs' && v.tmpfs) {
    m.TmpfsOptions = {};
    if (v.tmpfs.size) m.TmpfsOptions.SizeBytes = v.tmpfs.size;
    if (v.tmpfs.mode) m.TmpfsOptions.Mode = v.tmpfs.mode;
  }
  if (v.type === 'image' && v.image?.subpath) m.ImageOptions = { Subpath: v.image.subpath };
  return m;
}

/**
 * Secrets under /run/secrets/ and configs under / (or their absolute target) as read-only binds of their file.
 * Compose injects environment- and content-based ones by copying into the container after create, and refuses
 * external ones: both are reported as unsupported.
 */
function fileMounts(
  input: ContainerSpecInput,
  kind: 'secrets' | 'configs',
  baseDir: string,
  notes: SpecNotes,
): Mount[] {
  const refs: FileReference[] = input.service[kind] ?? [];
  const mounts: Mount[] = [];
  refs.forEach((ref, i) => {
    const def = input.stack[kind][ref.source];
    if (!def?.file || def.external) {
      notes.unsupported.push(`${kind}[${i}]`);
      return;
    }
    const t = ref.target;
    const target = !t ? baseDir + ref.source : isAbsoluteTarget(t) ? t : baseDir + t;
    mounts.push({ Type: 'bind', Source: def.file, Target: target, ReadOnly: true });
  });
  return mounts;
}

/** Go's path.Clean, which Compose applies to mount targets: no trailing slash, no "." or "..". */
function cleanPath(p: string): string {
  const clean = posix.normalize(p);
  return clean.length > 1 && clean.endsWith('/') ? clean.slice(0, -1) : clean;
}

function isAbsoluteTarget(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\\\') || /^.:\\/.test(p);
}
