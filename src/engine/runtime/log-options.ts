// HostConfig.LogConfig as berthd honors it. Logs are conmon's k8s-file whatever the driver. `max-size` (parsed as
// docker/go-units RAMInBytes does: binary units, case-insensitive, "10m" = 10 MiB) and `max-file` (default 1)
// rotate it as Docker's json-file does: with one file, conmon's --log-size-max starts it afresh; with more, berthd
// moves them along (log-rotator.ts). Without max-size a log grows without limit, as json-file's does by default.
import { EngineError } from '../errors.js';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

export function parseLogSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) {
    throw new EngineError('invalid', 'ENGINE_BAD_LOG_OPT', `invalid size: '${text}' for log option max-size`, {
      hint: 'a number with an optional unit, e.g. "10m" or "512k"',
    });
  }
  return Math.floor(Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] as number));
}

/** The byte limit of a container's log, or undefined for none. */
export function logSizeMax(hostConfig: Record<string, unknown>): number | undefined {
  const logConfig = hostConfig.LogConfig as { Config?: Record<string, string> } | undefined;
  const raw = logConfig?.Config?.['max-size'];
  if (raw === undefined || raw === '' || raw === '-1') return undefined;
  return parseLogSize(raw);
}

/** How a container's log rotates: by `maxSize` bytes into `maxFile` files in all; undefined for never. */
export interface LogRotation {
  maxSize: number;
  maxFile: number;
  /** Gzip rotated files (json-file's `compress`). */
  compress: boolean;
}

/** HostConfig.LogConfig's rotation; throws EngineError ENGINE_BAD_LOG_OPT for a bad max-size or max-file. */
export function logRotation(hostConfig: Record<string, unknown>): LogRotation | undefined {
  const maxSize = logSizeMax(hostConfig);
  const logConfig = hostConfig.LogConfig as { Config?: Record<string, string> } | undefined;
  const raw = logConfig?.Config?.['max-file'];
  let maxFile = 1;
  if (raw !== undefined && raw !== '') {
    maxFile = /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!(maxFile >= 1)) {
      const why = Number.isNaN(maxFile) ? `invalid max-file: '${raw}'` : 'max-file cannot be less than 1';
      throw new EngineError('invalid', 'ENGINE_BAD_LOG_OPT', why, { hint: 'a whole number of files, 1 or more' });
    }
  }
  const compress = parseCompress(logConfig?.Config?.compress);
  if (compress && (maxFile < 2 || maxSize === undefined)) {
    throw new EngineError(
      'invalid',
      'ENGINE_BAD_LOG_OPT',
      'compress cannot be true when max-file is less than 2 or max-size is not set',
      { hint: 'set max-size and a max-file of 2 or more, or leave compress out' },
    );
  }
  return maxSize === undefined ? undefined : { maxSize, maxFile, compress };
}

// Go's strconv.ParseBool, which dockerd uses for it.
function parseCompress(raw: string | undefined): boolean {
  if (raw === undefined || raw === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw new EngineError('invalid', 'ENGINE_BAD_LOG_OPT', `invalid compress: '${raw}'`, { hint: 'true or false' });
}

/** One file: conmon starts it afresh past max-size. More: berthd rotates them (containers/log-rotation.ts). */
export function conmonLogSizeMax(hostConfig: Record<string, unknown>): number | undefined {
  const rotation = logRotation(hostConfig);
  return rotation?.maxFile === 1 ? rotation.maxSize : undefined;
}
