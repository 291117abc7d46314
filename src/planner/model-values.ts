// Typed reads of the service keys the model keeps as the schema validated them (its index signature): a number
// may still be a numeric string after interpolation, a list may hold numbers. Each reader returns undefined for a
// value that is absent or not of its kind, so callers map only what is there.

export function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return undefined;
}

/** A list of scalars as strings; a single scalar is a one-item list. */
export function asStringList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map((x) => asString(x)).filter((x): x is string => x !== undefined);
  const one = asString(v);
  return one === undefined ? undefined : [one];
}

/** A mapping of scalars as strings (null as ""), in the order of the model. */
export function asStringMap(v: unknown): Record<string, string> | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = asString(x) ?? '';
  return out;
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A copy of `m` with its keys in code-unit order, so equal maps serialize alike. */
export function sortKeys<T>(m: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k] as T;
  return out;
}

/** Engine API versions compare as numbers per dotted part: "1.9" < "1.41". */
export function isApiAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}
