// Docker's `filters` query parameter, shared by the list and events endpoints of every kind of object.

/**
 * Docker's `filters` query parameter: a JSON object of arrays (`{"label":["a=b"]}`) or, from old clients, of maps
 * (`{"label":{"a=b":true}}`). Returns name -> values.
 */
export function parseFilters(raw: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  const parsed = JSON.parse(raw) as Record<string, string[] | Record<string, boolean>>;
  for (const [k, v] of Object.entries(parsed)) out.set(k, Array.isArray(v) ? v : Object.keys(v).filter((x) => v[x]));
  return out;
}

/** Whether `labels` satisfies every `label` filter value ("key" or "key=value"). */
export function matchesLabels(labels: Record<string, string>, wanted: readonly string[]): boolean {
  return wanted.every((w) => {
    const i = w.indexOf('=');
    return i < 0 ? w in labels : labels[w.slice(0, i)] === w.slice(i + 1);
  });
}
