// The service volumes short syntax, [SOURCE:]TARGET[:OPTIONS], as compose-go v2 reads it: format.ParseVolume,
// then transform.transformVolumeMount, which cleans the target path.
import { parsedError, parsedOk } from './parsed.js';
import type { Parsed } from './parsed.js';

/**
 * One service mount, in the shape of Compose's long syntax. `source` is absent for an anonymous volume;
 * `target` is an absolute container path (POSIX, or Windows "C:\..." / "\\.\pipe\..."). The short syntax
 * only yields `volume` and `bind` types: a source starting with ".", "/", "~", "\\" or a drive letter is
 * a bind with `bind.create_host_path: true`; anything else names a volume and gets `volume: {}`.
 */
export interface VolumeMount {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: 'z' | 'Z' };
  volume?: { nocopy?: boolean; subpath?: string };
  consistency?: string;
}

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);
// Docker Desktop for Mac consistency flags: accepted, and dropped as compose-go drops them
const IGNORED_OPTIONS = new Set(['cached', 'delegated', 'consistent']);
const SYNTAX_HINT = 'use [SOURCE:]TARGET[:OPTIONS], e.g. "db:/var/lib/mysql" or "./src:/app:ro"';
const OPTIONS_HINT =
  'use ro, rw, nocopy, z, Z or a propagation mode (rprivate, private, rshared, shared, rslave, slave)';

/**
 * Parses one `volumes` entry. Options are comma-separated and the last of ro/rw wins. compose-go silently
 * ignores options it does not know (with a FIXME); berth rejects them, apart from the consistency flags.
 */
export function parseVolumeShort(spec: string): Parsed<VolumeMount> {
  if (spec === '') return parsedError('"" is not a volume', SYNTAX_HINT);
  // compose-go: a one- or two-character spec is an anonymous volume, without the `volume: {}` others get
  if (spec.length <= 2) return checkTarget(spec, { type: 'volume', target: cleanPath(spec) });
  const fields = splitDeviceSpec(spec) ?? splitSpec(spec);
  if (typeof fields === 'string') return parsedError(`"${spec}" ${fields}`, SYNTAX_HINT);

  const [first = '', second, options] = fields;
  const source = second === undefined ? undefined : first;
  const mount: VolumeMount = { type: 'volume', target: cleanPath(second ?? first) };
  if (source !== undefined) mount.source = source;
  for (const option of options?.split(',') ?? []) {
    if (option === 'ro' || option === 'rw') mount.read_only = option === 'ro';
    else if (option === 'nocopy') mount.volume = { nocopy: true };
    else if (option === 'z' || option === 'Z') mount.bind = { ...mount.bind, selinux: option };
    else if (PROPAGATIONS.has(option)) mount.bind = { ...mount.bind, propagation: option };
    else if (!IGNORED_OPTIONS.has(option)) {
      return parsedError(`"${spec}" has an unknown option "${option}"`, OPTIONS_HINT);
    }
  }
  if (mount.read_only === false) delete mount.read_only;
  if (source !== undefined && isFilePath(source)) {
    mount.type = 'bind';
    // docker-compose v1 created missing host paths for the short syntax, and Compose v2 keeps that
    mount.bind = { ...mount.bind, create_host_path: true };
  } else {
    mount.volume ??= {};
  }
  return checkTarget(spec, mount);
}

/** Splits on ":" except after a lone drive letter ("C:\data:/data"); the error where compose-go fails. */
function splitSpec(spec: string): string[] | string {
  const fields: string[] = [];
  let buffer = '';
  for (const char of spec) {
    if (char === ':' && !isDriveLetter(buffer)) {
      fields.push(buffer);
      buffer = '';
    } else {
      buffer += char;
    }
  }
  fields.push(buffer);
  for (const [i, field] of fields.entries()) {
    if (field === '') return 'has an empty section between colons';
    if (i === 2 && fields.length > 3) return 'has too many colons';
  }
  return fields;
}

/**
 * compose-go's special case for device paths, which may contain colons: a spec with exactly two "/dev"
 * splits once at ":/dev" ("/dev/usb-0:1.3:/dev/usb-0:1.3"). compose-go then reads options from the last
 * ":" part of the target but leaves them in the target; berth moves them out when they are all options.
 */
function splitDeviceSpec(spec: string): string[] | string | undefined {
  const parts = spec.split(':/dev');
  if (spec.split('/dev').length !== 3 || parts.length < 2) return undefined;
  const source = parts[0] ?? '';
  let target = `/dev${parts[1]}`;
  if (source === '') return 'has an empty section between colons';
  const colon = target.lastIndexOf(':');
  const tail = target.slice(colon + 1).split(',');
  if (colon === -1 || !tail.every((o) => isKnownOption(o))) return [source, target];
  target = target.slice(0, colon);
  return [source, target, tail.join(',')];
}

function isKnownOption(option: string): boolean {
  return ['ro', 'rw', 'nocopy', 'z', 'Z'].includes(option) || PROPAGATIONS.has(option) || IGNORED_OPTIONS.has(option);
}

function checkTarget(spec: string, mount: VolumeMount): Parsed<VolumeMount> {
  const t = mount.target;
  const absolute = t.startsWith('/') || t.startsWith('\\\\') || /^\p{L}:/u.test(t);
  if (absolute) return parsedOk(mount);
  return parsedError(
    `"${spec}" mounts at the relative container path "${t}"`,
    'container paths must be absolute, e.g. "/data"',
  );
}

function isDriveLetter(buffer: string): boolean {
  return /^\p{L}$/u.test(buffer);
}

// compose-go isFilePath: relative, absolute and home paths, Windows named pipes and drive paths
function isFilePath(source: string): boolean {
  return /^[./~]/.test(source) || source.startsWith('\\\\') || /^\p{L}:/u.test(source);
}

/** Go's path.Clean: drops "." and empty segments, resolves "..", and never leaves a trailing slash. */
function cleanPath(path: string): string {
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') out.push(segment);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}
