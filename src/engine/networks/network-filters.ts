// GET /networks?filters=...: Docker's network filters (name, id, label, driver, type, scope, dangling), pure.
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
