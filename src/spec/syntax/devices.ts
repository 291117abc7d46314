// The devices short syntax, HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]], as compose-go's transformDeviceMapping
// reads it.
import { parsedError, parsedOk } from './parsed.js';
import type { Parsed } from './parsed.js';

/**
 * One device made available in the container. `target` defaults to `source`, `permissions` to "rwm" (cgroup
 * read, write, mknod). A lone source may also be a CDI device name ("nvidia.com/gpu=all"), kept as is.
 */
export interface DeviceMapping {
  source: string;
  target: string;
  permissions: string;
}

const SYNTAX_HINT = 'use HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]], e.g. "/dev/sda:/dev/xvda:rwm"';

/**
 * Parses one `devices` entry. As in compose-go, an empty container path falls back to the host path and
 * more than two colons are refused (paths with colons need the long syntax). Beyond compose-go, which leaves
 * these to the engine, berth rejects an empty host path, a relative container path and permissions other
 * than a combination of r, w and m.
 */
export function parseDeviceShort(v: string): Parsed<DeviceMapping> {
  const parts = v.split(':');
  if (parts.length > 3) {
    return parsedError(
      `"${v}" is not a device mapping`,
      'paths with colons need the long syntax: source, target, permissions',
    );
  }
  const [source = '', target = '', permissions = 'rwm'] = parts;
  if (source === '') return parsedError(`"${v}" has no host path`, SYNTAX_HINT);
  if (parts.length >= 2 && target !== '' && !target.startsWith('/')) {
    // "/dev/sda:rwm" reads as a target "rwm" in Compose, unlike `docker run --device`
    const hint = isPermissions(target) ? `did you mean "${source}:${source}:${target}"?` : SYNTAX_HINT;
    return parsedError(`"${v}" maps to the relative container path "${target}"`, hint);
  }
  if (!isPermissions(permissions)) {
    return parsedError(`"${v}" has invalid permissions "${permissions}"`, 'use any of r, w and m, e.g. "rwm" or "r"');
  }
  return parsedOk({ source, target: target || source, permissions });
}

// the check docker's CLI applies (opts.validDeviceMode): r, w and m, each at most once
function isPermissions(text: string): boolean {
  return /^[rwm]{1,3}$/.test(text) && new Set(text).size === text.length;
}
