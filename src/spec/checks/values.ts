// Values whose syntax the schema leaves open: durations, byte sizes, CPU counts and the short syntaxes of ports,
// volumes, devices and extra_hosts. Each bad value is reported where it is written, with the parser's hint.
import type { Diagnostic } from '../../errors.js';
import { parseBytes } from '../syntax/bytes.js';
import { parseCpus } from '../syntax/cpus.js';
import { parseDeviceShort } from '../syntax/devices.js';
import { parseDuration } from '../syntax/duration.js';
import { parseExtraHost } from '../syntax/extra-hosts.js';
import type { Parsed } from '../syntax/parsed.js';
import { parsePortShort } from '../syntax/ports.js';
import { parseVolumeShort } from '../syntax/volumes.js';
import type { PathSegment, Tree, TreeMap } from '../tree.js';
import { isList, isMap, locate } from '../tree.js';

type Check = (v: string | number) => Parsed<unknown>;
const onlyStrings =
  (f: (s: string) => Parsed<unknown>): Check =>
  (v) =>
    typeof v === 'string' ? f(v) : { ok: true, value: v };

const rules: Array<[string, Check, string]> = [
  ['services.*.healthcheck.interval', parseDuration, 'SPEC_BAD_DURATION'],
  ['services.*.healthcheck.timeout', parseDuration, 'SPEC_BAD_DURATION'],
  ['services.*.healthcheck.start_period', parseDuration, 'SPEC_BAD_DURATION'],
  ['services.*.healthcheck.start_interval', parseDuration, 'SPEC_BAD_DURATION'],
  ['services.*.stop_grace_period', parseDuration, 'SPEC_BAD_DURATION'],
  ['services.*.deploy.restart_policy.delay', parseDuration, 'SPEC_BAD_DURATION'],
  ['services.*.deploy.restart_policy.window', parseDuration, 'SPEC_BAD_DURATION'],
  ['services.*.deploy.update_config.delay', parseDuration, 'SPEC_BAD_DURATION'],
  ['services.*.deploy.update_config.monitor', parseDuration, 'SPEC_BAD_DURATION'],
  ['services.*.mem_limit', parseBytes, 'SPEC_BAD_SIZE'],
  ['services.*.mem_reservation', parseBytes, 'SPEC_BAD_SIZE'],
  ['services.*.memswap_limit', parseBytes, 'SPEC_BAD_SIZE'],
  ['services.*.shm_size', parseBytes, 'SPEC_BAD_SIZE'],
  ['services.*.build.shm_size', parseBytes, 'SPEC_BAD_SIZE'],
  ['services.*.deploy.resources.limits.memory', parseBytes, 'SPEC_BAD_SIZE'],
  ['services.*.deploy.resources.reservations.memory', parseBytes, 'SPEC_BAD_SIZE'],
  ['services.*.volumes.[].tmpfs.size', parseBytes, 'SPEC_BAD_SIZE'],
  ['services.*.cpus', parseCpus, 'SPEC_BAD_CPUS'],
  ['services.*.deploy.resources.limits.cpus', parseCpus, 'SPEC_BAD_CPUS'],
  ['services.*.deploy.resources.reservations.cpus', parseCpus, 'SPEC_BAD_CPUS'],
  ['services.*.ports.[]', parsePortShort, 'SPEC_BAD_PORT'],
  ['services.*.volumes.[]', onlyStrings(parseVolumeShort), 'SPEC_BAD_VOLUME'],
  ['services.*.devices.[]', onlyStrings(parseDeviceShort), 'SPEC_BAD_DEVICE'],
  ['services.*.extra_hosts.[]', onlyStrings(parseExtraHost), 'SPEC_BAD_EXTRA_HOST'],
];

/**
 * Calls `visit` for every scalar at a place matching `pattern` ('*' any key, '[]' any list index). One path array
 * is grown and shrunk on the way (no copies per value): `visit` must not keep it.
 */
function eachAt(
  node: Tree,
  parts: readonly string[],
  path: PathSegment[],
  visit: (v: Tree, path: readonly PathSegment[]) => void,
  depth = 0,
): void {
  if (depth === parts.length) {
    visit(node, path);
    return;
  }
  const head = parts[depth] as string;
  const step = (v: Tree, seg: PathSegment): void => {
    path.push(seg);
    eachAt(v, parts, path, visit, depth + 1);
    path.pop();
  };
  if (head === '[]') {
    if (isList(node)) for (let i = 0; i < node.length; i++) step(node[i] as Tree, i);
  } else if (isMap(node)) {
    if (head !== '*') {
      if (head in node) step(node[head] as Tree, head);
    } else for (const k of Object.keys(node)) step(node[k] as Tree, k);
  }
}

const splitRules = rules.map(([pattern, parse, code]) => [pattern.split('.'), parse, code] as const);

export function checkValues(tree: TreeMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [parts, parse, code] of splitRules) {
    eachAt(tree, parts, [], (v, path) => {
      if (typeof v !== 'string' && typeof v !== 'number') return;
      const r = parse(v);
      if (!r.ok) out.push({ code, severity: 'error', message: r.message, hint: r.hint, at: locate(tree, path) });
    });
  }
  eachAt(tree, ['services', '*'], [], (svc, path) => {
    if (!isMap(svc) || typeof svc.platform !== 'string' || !isMap(svc.build) || !isList(svc.build.platforms)) return;
    if (svc.build.platforms.map(String).includes(svc.platform)) return;
    out.push({
      code: 'SPEC_PLATFORM_NOT_BUILT',
      severity: 'error',
      message: `service.build.platforms must include service.platform "${svc.platform}"`,
      hint: `add "${svc.platform}" to build.platforms, or change platform`,
      at: locate(tree, [...path, 'platform']),
    });
  });
  return out;
}
