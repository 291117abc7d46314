// Keys berth reads and keeps in the model but does not act on (Swarm-only, Windows-only, or not built yet).
// Each is reported once per stack, naming the key, so nothing a team relies on is dropped silently.
import type { Diagnostic } from '../../errors.js';
import type { PathSegment, Tree, TreeMap } from '../tree.js';
import { isMap, locate } from '../tree.js';

const NOT_HONORED: Array<[string, string]> = [
  ['services.*.deploy.placement', 'a Swarm setting; berth runs on one machine'],
  ['services.*.deploy.update_config', 'a Swarm setting; berth recreates containers itself'],
  ['services.*.deploy.rollback_config', 'a Swarm setting'],
  ['services.*.deploy.endpoint_mode', 'a Swarm setting'],
  ['services.*.deploy.resources.reservations', 'reservations are not enforced by berth'],
  ['services.*.credential_spec', 'a Windows setting'],
  ['services.*.isolation', 'a Windows setting'],
  ['services.*.cpu_count', 'a Windows setting'],
  ['services.*.cpu_percent', 'a Windows setting'],
  ['services.*.gpus', 'berth does not pass GPUs to containers'],
  ['services.*.runtime', 'berth always uses runc'],
  ['services.*.storage_opt', 'not supported by the built-in engine'],
  ['services.*.blkio_config', 'not supported by the built-in engine'],
  ['services.*.cpu_rt_runtime', 'not supported by the built-in engine'],
  ['services.*.cpu_rt_period', 'not supported by the built-in engine'],
  ['services.*.use_api_socket', 'not supported yet'],
  ['services.*.provider', 'not supported yet'],
  ['services.*.models', 'not supported yet'],
  ['services.*.post_start', 'lifecycle hooks are not supported yet'],
  ['services.*.pre_stop', 'lifecycle hooks are not supported yet'],
  ['services.*.build.ssh', 'build SSH forwarding is not supported yet'],
  ['services.*.build.secrets', 'build secrets are not supported yet'],
  ['services.*.build.cache_to', 'exporting a build cache is not supported yet'],
  ['models', 'not supported yet'],
];

export function unsupportedWarnings(tree: TreeMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [pattern, why] of NOT_HONORED) {
    const found = findFirst(tree, pattern.split('.'), []);
    if (!found) continue;
    out.push({
      code: 'SPEC_NOT_HONORED',
      severity: 'warning',
      message: `"${pattern.replace('services.*.', '')}" is read but not honored: ${why}`,
      at: locate(tree, found, true),
    });
  }
  return out;
}

function findFirst(node: Tree, parts: readonly string[], path: PathSegment[]): PathSegment[] | undefined {
  if (parts.length === 0) return path;
  if (!isMap(node)) return undefined;
  const [head, ...rest] = parts as [string, ...string[]];
  for (const k of head === '*' ? Object.keys(node) : [head]) {
    if (!(k in node)) continue;
    const hit = findFirst(node[k] as Tree, rest, [...path, k]);
    if (hit) return hit;
  }
  return undefined;
}
