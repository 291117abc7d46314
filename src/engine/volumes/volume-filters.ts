// Docker's filters for GET /volumes (name, driver, label, label!, dangling) and POST /volumes/prune (label,
// label!, all). Pure: whether a volume is used comes in as a function.
import { EngineError } from '../errors.js';
import { matchesLabels } from '../filters.js';
import type { VolumeRecord } from './volume-store.js';

const LIST_KEYS = new Set(['name', 'driver', 'label', 'label!', 'dangling']);
const PRUNE_KEYS = new Set(['label', 'label!', 'all']);

/** The volumes `filters` keeps for `docker volume ls`; unknown keys and bad values are Docker's 400s. */
export function filterVolumes(
  volumes: readonly VolumeRecord[],
  filters: Map<string, string[]>,
  isUsed: (name: string) => boolean,
): VolumeRecord[] {
  checkKeys(filters, LIST_KEYS);
  const dangling = booleanFilter(filters, 'dangling');
  return volumes.filter(
    (v) =>
      matchesAny(v.name, filters.get('name')) &&
      matchesAny(v.driver, filters.get('driver')) &&
      matchesLabelFilters(v.labels, filters) &&
      (dangling === undefined || dangling === !isUsed(v.name)),
  );
}

/** The unused volumes `docker volume prune` removes (API 1.41: named and anonymous alike). */
export function pruneCandidates(
  volumes: readonly VolumeRecord[],
  filters: Map<string, string[]>,
  isUsed: (name: string) => boolean,
): VolumeRecord[] {
  checkKeys(filters, PRUNE_KEYS);
  return volumes.filter((v) => !isUsed(v.name) && matchesLabelFilters(v.labels, filters));
}

function checkKeys(filters: Map<string, string[]>, known: ReadonlySet<string>): void {
  for (const key of filters.keys()) {
    if (!known.has(key)) throw new EngineError('invalid', 'ENGINE_BAD_FILTER', `invalid filter '${key}'`);
  }
}

function booleanFilter(filters: Map<string, string[]>, key: string): boolean | undefined {
  const values = filters.get(key) ?? [];
  if (values.length === 0) return undefined;
  const value = (values[0] as string).toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new EngineError('invalid', 'ENGINE_BAD_FILTER', `invalid filter '${key}=${values[0]}'`);
}

// Docker's Args.Match: the exact value, or the filter value as a regular expression found in it.
function matchesAny(value: string, patterns: readonly string[] | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((p) => {
    if (p === value) return true;
    try {
      return new RegExp(p).test(value);
    } catch {
      return false;
    }
  });
}

function matchesLabelFilters(labels: Record<string, string>, filters: Map<string, string[]>): boolean {
  const wanted = filters.get('label') ?? [];
  const unwanted = filters.get('label!') ?? [];
  return matchesLabels(labels, wanted) && unwanted.every((u) => !matchesLabels(labels, [u]));
}
