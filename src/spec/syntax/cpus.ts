// Compose CPU amounts (cpus, deploy.resources.*.cpus): compose-go's NanoCPUs takes a YAML number as is and
// a string through strconv.ParseFloat.
import { parsedError, parsedOk } from './parsed.js';
import type { Parsed } from './parsed.js';

// Go's strconv.ParseFloat, decimal forms only: "inf", "nan" and hex floats are no CPU amounts.
const GO_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a number of CPUs, fractions allowed ("0.5" is half a CPU). 0 means no limit. compose-go itself
 * accepts negative values and leaves them to the engine to reject; berth rejects them here.
 * The value is kept as a float64: compose-go stores a float32, which only matters past 7 significant digits.
 */
export function parseCpus(v: string | number): Parsed<number> {
  const cpus = typeof v === 'number' ? v : GO_FLOAT.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(cpus)) {
    return parsedError(`"${v}" is not a number of CPUs`, 'use a decimal number, e.g. "0.5" or 2');
  }
  if (cpus < 0) return parsedError(`"${v}" is a negative number of CPUs`, 'use 0 or more; 0 means no limit');
  return parsedOk(cpus === 0 ? 0 : cpus); // no -0
}
