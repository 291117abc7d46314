// Interpolates every string value of a parsed file (keys are left alone, as Compose does), then casts the values
// Compose reads as numbers or booleans, so `privileged: ${PRIV}` with PRIV=true is a boolean as it is in Compose.
import type { Diagnostic } from '../errors.js';
import type { Lookup } from './interpolate.js';
import { interpolate } from './interpolate.js';
import type { PathSegment, Tree, TreeMap } from './tree.js';
import { formatPath, isList, isMap, valuePos } from './tree.js';

type Cast = 'int' | 'float' | 'bool';

// compose-go loader/interpolate.go: the paths whose string values are cast after interpolation.
const casts: Array<[string, Cast]> = [
  ['services.*.configs.[].mode', 'int'],
  ['services.*.secrets.[].mode', 'int'],
  ['services.*.cpu_count', 'int'],
  ['services.*.cpu_percent', 'float'],
  ['services.*.cpu_period', 'int'],
  ['services.*.cpu_quota', 'int'],
  ['services.*.cpu_rt_period', 'int'],
  ['services.*.cpu_rt_runtime', 'int'],
  ['services.*.cpus', 'float'],
  ['services.*.cpu_shares', 'int'],
  ['services.*.init', 'bool'],
  ['services.*.deploy.replicas', 'int'],
  ['services.*.deploy.update_config.parallelism', 'int'],
  ['services.*.deploy.update_config.max_failure_ratio', 'float'],
  ['services.*.deploy.rollback_config.parallelism', 'int'],
  ['services.*.deploy.rollback_config.max_failure_ratio', 'float'],
  ['services.*.deploy.restart_policy.max_attempts', 'int'],
  ['services.*.deploy.placement.max_replicas_per_node', 'int'],
  ['services.*.healthcheck.retries', 'int'],
  ['services.*.healthcheck.disable', 'bool'],
  ['services.*.oom_kill_disable', 'bool'],
  ['services.*.oom_score_adj', 'int'],
  ['services.*.pids_limit', 'int'],
  ['services.*.ports.[].target', 'int'],
  ['services.*.privileged', 'bool'],
  ['services.*.read_only', 'bool'],
  ['services.*.scale', 'int'],
  ['services.*.stdin_open', 'bool'],
  ['services.*.tty', 'bool'],
  ['services.*.attach', 'bool'],
  ['services.*.ulimits.*', 'int'],
  ['services.*.ulimits.*.hard', 'int'],
  ['services.*.ulimits.*.soft', 'int'],
  ['services.*.volumes.[].read_only', 'bool'],
  ['services.*.volumes.[].volume.nocopy', 'bool'],
  ['services.*.volumes.[].bind.create_host_path', 'bool'],
  ['services.*.depends_on.*.required', 'bool'],
  ['services.*.depends_on.*.restart', 'bool'],
  ['services.*.env_file.[].required', 'bool'],
  ['networks.*.external', 'bool'],
  ['networks.*.internal', 'bool'],
  ['networks.*.attachable', 'bool'],
  ['networks.*.enable_ipv4', 'bool'],
  ['networks.*.enable_ipv6', 'bool'],
  ['volumes.*.external', 'bool'],
  ['secrets.*.external', 'bool'],
  ['configs.*.external', 'bool'],
];

// Patterns split once, and indexed by their last segment so most values are rejected with one lookup.
const castIndex = new Map<string, Array<{ parts: string[]; cast: Cast }>>();
for (const [pattern, cast] of casts) {
  const parts = pattern.split('.');
  const last = parts[parts.length - 1] as string;
  castIndex.set(last, [...(castIndex.get(last) ?? []), { parts, cast }]);
}

const anyKey = castIndex.get('*') ?? [];

// Called for every string of every file: no arrays made per call.
function castFor(path: readonly PathSegment[]): Cast | undefined {
  const lastSeg = path[path.length - 1];
  return (
    castMatching(castIndex.get(typeof lastSeg === 'number' ? '[]' : String(lastSeg)), path) ??
    castMatching(anyKey, path)
  );
}

function castMatching(candidates: Array<{ parts: string[]; cast: Cast }> | undefined, path: readonly PathSegment[]) {
  for (const { parts, cast } of candidates ?? []) {
    if (parts.length !== path.length) continue;
    const ok = parts.every((p, i) => p === '*' || (p === '[]' ? typeof path[i] === 'number' : p === String(path[i])));
    if (ok) return cast;
  }
  return undefined;
}

const TRUE = new Set(['y', 'yes', 'true', 'on']);
const FALSE = new Set(['n', 'no', 'false', 'off']);

function castValue(value: string, cast: Cast): Tree | undefined {
  const v = value.trim();
  if (cast === 'bool') {
    if (TRUE.has(v.toLowerCase())) return true;
    if (FALSE.has(v.toLowerCase())) return false;
    return undefined;
  }
  if (cast === 'int') return /^[-+]?\d+$/.test(v) ? Number.parseInt(v, 10) : undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) ? Number.parseFloat(v) : undefined;
}

export interface InterpolateTreeResult {
  tree: TreeMap;
  errors: Diagnostic[];
  /** Each unset variable once, with the first place that used it. */
  missing: Map<string, Diagnostic['at']>;
}

/**
 * Interpolates a whole file in place: the tree must be the parser's own (no container shared with another tree),
 * which lets a 500-service stack go through without copying every container.
 */
export function interpolateTree(root: TreeMap, lookup: Lookup): InterpolateTreeResult {
  const errors: Diagnostic[] = [];
  const missing = new Map<string, Diagnostic['at']>();
  const path: PathSegment[] = [];
  const walk = (node: Tree, parent: object | undefined): Tree => {
    if (isList(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        node[i] = walk(node[i] as Tree, node);
        path.pop();
      }
      return node;
    }
    if (isMap(node)) {
      for (const k of Object.keys(node)) {
        path.push(k);
        node[k] = walk(node[k] as Tree, node);
        path.pop();
      }
      return node;
    }
    if (typeof node !== 'string') return node;
    const cast = castFor(path);
    if (!cast && !node.includes('$')) return node;
    // Where the value is, worked out only for a diagnostic (most values need none).
    const at = (): Diagnostic['at'] => {
      const pos = parent ? valuePos(parent, path[path.length - 1] as PathSegment) : undefined;
      return pos ? { ...pos, path: formatPath(path) } : undefined;
    };
    const result = interpolate(node, lookup);
    if (!result.ok) {
      errors.push({
        code: 'SPEC_INTERPOLATION',
        severity: 'error',
        message: result.message,
        hint: result.hint,
        at: at(),
      });
      return node;
    }
    for (const name of result.missing) if (!missing.has(name)) missing.set(name, at());
    if (!cast) return result.value;
    const casted = castValue(result.value, cast);
    if (casted === undefined) {
      const kind = cast === 'bool' ? 'a boolean' : cast === 'int' ? 'a whole number' : 'a number';
      errors.push({
        code: 'SPEC_INVALID_VALUE',
        severity: 'error',
        message: `"${result.value}" is not ${kind}`,
        hint: cast === 'bool' ? 'use true or false' : undefined,
        at: at(),
      });
      return result.value;
    }
    return casted;
  };
  const tree = walk(root, undefined) as TreeMap;
  return { tree, errors, missing };
}
