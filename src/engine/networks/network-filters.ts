// GET /networks?filters=...: Docker's network filters (name, id, label, driver, type, scope, dangling), and the
// selection of POST /networks/prune (label, label!, until).
import { EngineError } from '../errors.js';
import { matchesLabels } from '../filters.js';
import { PREDEFINED } from './types.js';
import type { NetworkRecord } from './types.js';

const KNOWN = ['name', 'id', 'label', 'driver', 'type', 'scope', 'dangling'];

/** Throws EngineError `invalid` for a filter Docker does not know, as dockerd does. */
export function filterNetworks(
  networks: readonly NetworkRecord[],
  filters: Map<string, string[]>,
  inUse: (n: NetworkRecord) => boolean,
): NetworkRecord[] {
  for (const key of filters.keys()) {
    if (!KNOWN.includes(key)) throw new EngineError('invalid', 'ENGINE_BAD_FILTER', `Invalid filter '${key}'`);
  }
  const any = (key: string, test: (v: string) => boolean): boolean => {
    const values = filters.get(key) ?? [];
    return values.length === 0 || values.some(test);
  };
  return networks.filter((n) => {
    const builtin = (PREDEFINED as readonly string[]).includes(n.name);
    return (
      any('name', (v) => n.name.includes(v)) &&
      any('id', (v) => n.id.startsWith(v)) &&
      any('driver', (v) => n.driver === v) &&
      any('scope', (v) => v === 'local') &&
      any('type', (v) => (v === 'builtin' ? builtin : v === 'custom' ? !builtin : false)) &&
      any('dangling', (v) => (v === 'true' || v === '1') === (!builtin && !inUse(n))) &&
      matchesLabels(n.labels, filters.get('label') ?? [])
    );
  });
}

/**
 * POST /networks/prune's selection: the networks no container uses, other than the predefined ones, that pass
 * the `label`, `label!` and `until` filters.
 */
export function prunableNetworks(
  networks: readonly NetworkRecord[],
  filters: Map<string, string[]>,
  inUse: (n: NetworkRecord) => boolean,
): NetworkRecord[] {
  const until = filters.get('until')?.[0];
  const before = until ? untilTime(until) : Infinity;
  return networks.filter(
    (n) =>
      !(PREDEFINED as readonly string[]).includes(n.name) &&
      !inUse(n) &&
      matchesLabels(n.labels, filters.get('label') ?? []) &&
      !(Date.parse(n.created) >= before) &&
      !(filters.get('label!') ?? []).some((l) => matchesLabels(n.labels, [l])),
  );
}

/** `until` as Docker takes it: a Unix timestamp, an RFC 3339 time, or a duration ago ("24h", "10m"). */
function untilTime(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const m = /^(\d+)(h|m|s)$/.exec(v);
  if (m) return Date.now() - Number(m[1]) * { h: 3_600_000, m: 60_000, s: 1000 }[m[2] as 'h' | 'm' | 's'];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new EngineError('invalid', 'ENGINE_BAD_FILTER', `invalid until filter "${v}"`);
  return t;
}
