// Go's time.ParseDuration, for HEALTHCHECK --interval/--timeout/--start-period/--start-interval ("1m30s", "500ms").

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Nanoseconds of a Go duration string, or undefined when Go would reject it. "0" needs no unit. */
export function parseDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  const segment = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/u;
  while (s !== '') {
    const m = segment.exec(s);
    if (m === null || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const unitMatch = /^(ns|us|µs|μs|ms|s|m|h)/u.exec(m[3]!);
    if (unitMatch === null) return undefined;
    const unit = unitMatch[1]!;
    total += Number(`${m[1] || '0'}.${m[2] ?? ''}0`) * UNIT_NS[unit]!;
    s = s.slice(m[1]!.length + (m[2] === undefined ? 0 : m[2].length + 1) + unit.length);
  }
  return sign * total;
}
