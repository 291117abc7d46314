// Compose sizes (mem_limit, shm_size, memswap_limit, tmpfs size, ...): compose-go's UnitBytes, which tries
// a whole number of bytes first and then docker/go-units RAMInBytes (v0.5: binary units, case-insensitive).
import { parsedError, parsedOk } from './parsed.js';
import type { Parsed } from './parsed.js';

const KIB = 1024;
const MULTIPLIERS: Readonly<Record<string, number>> = {
  k: KIB,
  m: KIB ** 2,
  g: KIB ** 3,
  t: KIB ** 4,
  p: KIB ** 5,
};

// Go's strconv.ParseFloat, decimal forms only (Inf, NaN and hex floats make no sense as sizes).
const GO_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const GO_INT = /^[+-]?\d+$/;

const HINT =
  'use a number of bytes, or a number with a unit b, k, m, g, t or p (powers of 1024), e.g. "512m" or "1.5g"';

/**
 * Parses a size into bytes. Whole numbers (YAML numbers or digit strings) are bytes as written, negative ones
 * included: -1 means "unlimited" for memswap_limit. Otherwise the value is `NUMBER[ ][UNIT]` where UNIT is
 * b, or k/m/g/t/p optionally followed by "b" or "ib" ("1g", "1gb", "1GiB", "1.5 MB"), always binary, and the
 * result is truncated to whole bytes. Negative sizes with a unit or a fraction are rejected.
 */
export function parseBytes(v: string | number): Parsed<number> {
  // compose-go decodes a YAML float such as 1.5 as the string "1.5", then through RAMInBytes
  const text = typeof v === 'number' ? String(v) : v;
  if (GO_INT.test(text)) return parsedOk(Number(text));
  const bytes = ramInBytes(text);
  return bytes === undefined ? parsedError(`"${text}" is not a size`, HINT) : parsedOk(bytes);
}

/** A port of go-units parseSize with the binary map; undefined where Go returns an error. */
function ramInBytes(text: string): number | undefined {
  const sep = lastIndexOfAny(text, '0123456789. ');
  if (sep === -1) return undefined; // at least one digit is needed
  // one space may separate the number from its unit
  const number = text[sep] === ' ' ? text.slice(0, sep) : text.slice(0, sep + 1);
  const suffix = text.slice(sep + 1).toLowerCase();
  if (!GO_FLOAT.test(number)) return undefined;
  const size = Number(number);
  if (!Number.isFinite(size) || size < 0) return undefined;
  if (suffix === '') return Math.trunc(size);
  if (suffix.length > 3) return undefined;
  if (suffix === 'b') return Math.trunc(size);
  const multiplier = MULTIPLIERS[suffix.charAt(0)];
  if (multiplier === undefined) return undefined;
  if (suffix.length === 2 && suffix[1] !== 'b') return undefined;
  if (suffix.length === 3 && suffix.slice(1) !== 'ib') return undefined;
  return Math.trunc(size * multiplier);
}

function lastIndexOfAny(text: string, chars: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    if (chars.includes(text.charAt(i))) return i;
  }
  return -1;
}
