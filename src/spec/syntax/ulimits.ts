// Service ulimits entries (ulimits.nofile: 65535, or { soft, hard }), checked as docker/go-units ParseUlimit
// checks them.
import { parsedError, parsedOk } from './parsed.js';
import type { Parsed } from './parsed.js';

/** A resource limit pair; `soft` never exceeds `hard`. Both are whole numbers, -1 included (unlimited). */
export interface Ulimit {
  soft: number;
  hard: number;
}

/**
 * Parses one `ulimits` value: a single number sets both limits; a mapping sets each. The comparison is a plain
 * signed one, as in go-units, so { soft: 100, hard: -1 } is rejected.
 */
export function parseUlimit(v: number | { soft: number; hard: number }): Parsed<Ulimit> {
  const { soft, hard } = typeof v === 'number' ? { soft: v, hard: v } : v;
  for (const limit of [soft, hard]) {
    if (!Number.isInteger(limit))
      return parsedError(`"${limit}" is not a whole number`, 'ulimits are whole numbers, e.g. 65535');
  }
  if (soft > hard) {
    return parsedError(
      `ulimit soft limit "${soft}" is above its hard limit "${hard}"`,
      `raise hard to at least ${soft}, or lower soft`,
    );
  }
  return parsedOk({ soft, hard });
}
