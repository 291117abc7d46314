// Compose durations (healthcheck.interval, stop_grace_period, ...): parsed as compose-go does, with
// github.com/xhit/go-str2duration, which is Go's time.ParseDuration plus the units "d" and "w".
// Printed back in Go's time.Duration.String() form, as `docker compose config` does.
import { parsedError, parsedOk } from './parsed.js';
import type { Parsed } from './parsed.js';

const SECOND = 1_000_000_000n;
const MAX_NS = (1n << 63n) - 1n;

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: SECOND,
  m: 60n * SECOND,
  h: 3_600n * SECOND,
  d: 86_400n * SECOND,
  w: 604_800n * SECOND,
};

const SYNTAX_HINT = 'use numbers with units (ns, us, ms, s, m, h, d, w), e.g. "1m30s" or "1.5s"';

/**
 * Parses a Compose duration into milliseconds (fractional below 1ms: "10us" is 0.01).
 * Only strings are durations: the Compose schema types every duration as a string, so a bare YAML number
 * (even 0) is rejected, and a string number other than "0" lacks a unit. Negative durations are rejected.
 */
export function parseDuration(v: string | number): Parsed<number> {
  if (typeof v === 'number') {
    return parsedError(`"${v}" is not a duration`, `write it as a string with a unit, e.g. "${v}s"`);
  }
  const ns = parseGoDuration(v);
  if (ns === undefined) {
    const hint = /^[+-]?[0-9.]+$/.test(v) && v !== '.' ? `add a unit, e.g. "${v}s"` : SYNTAX_HINT;
    return parsedError(`"${v}" is not a duration`, hint);
  }
  if (ns < 0n) return parsedError(`"${v}" is a negative duration`, 'durations must be 0 or more');
  return parsedOk(Number(ns) / 1e6);
}

/** Formats milliseconds as Go's time.Duration.String(): "1h0m0s", "1m30s", "1.5s", "500ms", "10µs", "0s". */
export function formatDuration(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6));
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns === 0n) return '0s';
  if (ns < 1_000n) return `${sign}${ns}ns`;
  if (ns < 1_000_000n) return `${sign}${withFraction(ns, 3)}µs`;
  if (ns < SECOND) return `${sign}${withFraction(ns, 6)}ms`;
  const seconds = ns / SECOND;
  let out = `${seconds % 60n}${withFraction(ns, 9).replace(/^\d+/, '')}s`;
  const minutes = seconds / 60n;
  if (minutes > 0n) {
    out = `${minutes % 60n}m${out}`;
    const hours = minutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}

/** `value / 10^digits` as decimal text without trailing zeros (Go's fmtFrac followed by fmtInt). */
function withFraction(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const fraction = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return fraction === '' ? `${value / scale}` : `${value / scale}.${fraction}`;
}

/** A port of str2duration.ParseDuration: nanoseconds, or undefined where Go returns an error. */
function parseGoDuration(input: string): bigint | undefined {
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2];
    if (whole === '' && !fraction) return undefined; // no digits, e.g. ".s"
    s = s.slice(number?.[0].length ?? 0);
    const unitText = /^[^\d.]+/.exec(s)?.[0];
    const unit = unitText === undefined ? undefined : UNIT_NS[unitText];
    if (unitText === undefined || unit === undefined) return undefined; // missing or unknown unit
    s = s.slice(unitText.length);
    let value = BigInt(whole || '0');
    if (value > MAX_NS / unit) return undefined;
    value *= unit;
    if (fraction) value += fractionNs(fraction, unit);
    total += value;
    if (total > MAX_NS) return undefined;
  }
  return negative ? -total : total;
}

// Go adds int64(float64(f) * (float64(unit) / scale)), stopping at int64 precision: kept so that
// "1.0000000001h" rounds exactly as Compose does.
function fractionNs(digits: string, unit: bigint): bigint {
  let f = 0n;
  let scale = 1;
  for (const digit of digits) {
    const next = f * 10n + BigInt(digit);
    if (next > MAX_NS) break;
    f = next;
    scale *= 10;
  }
  return BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
}
