// The normalized stack as `docker compose config` prints it: top-level keys in Compose's order, services and
// their keys sorted, durations in Go's notation ("1m30s"), mappings in a stable order so the output can be diffed.
import { safeDump } from '@stoplight/yaml-ast-parser';
import type { Service, Stack } from '../spec/model.js';
import { formatDuration } from '../spec/syntax/duration.js';

const DURATIONS = new Set([
  'interval',
  'timeout',
  'start_period',
  'start_interval',
  'stop_grace_period',
  'delay',
  'window',
  'monitor',
]);
// Ports and volumes print their keys in Compose's struct order rather than sorted.
const PORT_ORDER = ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'];
const VOLUME_ORDER = ['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs', 'image'];

export function configDocument(stack: Stack): Record<string, unknown> {
  const doc: Record<string, unknown> = { name: stack.name };
  doc.services = sortKeys(Object.fromEntries(Object.entries(stack.services).map(([k, s]) => [k, serviceDocument(s)])));
  for (const section of ['networks', 'volumes', 'secrets', 'configs', 'models'] as const) {
    const v = stack[section];
    if (v && Object.keys(v).length > 0) doc[section] = sortDeep(v);
  }
  for (const [k, v] of Object.entries(stack.extensions)) doc[k] = v;
  return doc;
}

function serviceDocument(s: Service): Record<string, unknown> {
  const { name: _name, ...rest } = s;
  const out = sortDeep(rest, '') as Record<string, unknown>;
  if (Array.isArray(s.ports))
    out.ports = s.ports.map((p) => ordered(p as unknown as Record<string, unknown>, PORT_ORDER));
  if (Array.isArray(s.volumes))
    out.volumes = s.volumes.map((v) => ordered(sortDeep(v) as Record<string, unknown>, VOLUME_ORDER));
  return out;
}

function ordered(obj: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (obj[k] !== undefined) out[k] = obj[k];
  for (const k of Object.keys(obj).sort()) if (!(k in out) && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

function sortDeep(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => sortDeep(x));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortDeep(o[k], k);
    return out;
  }
  if (typeof v === 'number' && DURATIONS.has(key)) return formatDuration(v);
  return v;
}

/** js-yaml's emitter (through the parser package): several times faster than `yaml`'s on a 500-service stack. */
export function renderConfigYaml(stack: Stack): string {
  return safeDump(configDocument(stack), { lineWidth: -1, noRefs: true });
}
