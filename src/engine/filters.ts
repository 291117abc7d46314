// Docker's `filters` query parameter, shared by the list and events endpoints of every kind of object.
import { EngineError } from './errors.js';

/**
 * Docker's `filters` query parameter: a JSON object of arrays (`{"label":["a=b"]}`) or, from old clients, of maps
 * (`{"label":{"a=b":true}}`). Returns name -> values. Anything else is EngineError `invalid` (ENGINE_BAD_FILTER),
 * a 400, as dockerd answers it.
 */
export function parseFilters(raw: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw badFilters(`${(e as Error).message}`);
  }
  if (parsed === null) return out; // as dockerd: `filters=null` is no filter
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badFilters('expected a JSON object such as {"label":["a=b"]}');
  }
  for (const [k, v] of Object.entries(parsed)) out.set(k, filterValues(k, v));
  return out;
}

function filterValues(name: string, v: unknown): string[] {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const entries = Object.entries(v);
    if (entries.every(([, on]) => typeof on === 'boolean')) return entries.filter(([, on]) => on).map(([x]) => x);
  }
  throw badFilters(`"${name}" must be a list of strings or a map of strings to booleans`);
}

const badFilters = (why: string): EngineError =>
  new EngineError('invalid', 'ENGINE_BAD_FILTER', `invalid filters: ${why}`, {
    hint: 'give filters as JSON, e.g. filters={"label":["com.example=1"]}',
  });

/** Whether `labels` satisfies every `label` filter value ("key" or "key=value"). */
export function matchesLabels(labels: Record<string, string>, wanted: readonly string[]): boolean {
  return wanted.every((w) => {
    const i = w.indexOf('=');
    return i < 0 ? w in labels : labels[w.slice(0, i)] === w.slice(i + 1);
  });
}
