// The lock file's text: JSON with every object's keys sorted and two-space indents, so that the same pins give the
// same bytes and a change is a small diff; reading checks the version and the shape before anything trusts it.
import { BerthError } from '../errors.js';
import { LOCK_VERSION, type LockFile } from './model.js';

export function lockText(lock: LockFile): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

/** Parses a lock file's text; throws LOCK_INVALID naming the file and what is wrong. */
export function parseLock(text: string, file: string): LockFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalid(file, `it is not JSON (${(e as Error).message})`);
  }
  if (!isObject(value)) throw invalid(file, 'it is not a mapping');
  if (value.version !== LOCK_VERSION) {
    throw new BerthError('LOCK_VERSION', `${file}: lock version ${String(value.version)} is not ${LOCK_VERSION}`, {
      hint: 'run `berth lock` with this berth to write the lock again',
    });
  }
  if (typeof value.sourceDateEpoch !== 'number' || !Number.isInteger(value.sourceDateEpoch))
    throw invalid(file, '"sourceDateEpoch" is not a whole number');
  if (!isObject(value.services)) throw invalid(file, '"services" is not a mapping');
  for (const [name, pin] of Object.entries(value.services)) {
    if (!isObject(pin)) throw invalid(file, `services.${name} is not a mapping`);
    if (pin.image !== undefined && !isPin(pin.image)) throw invalid(file, `services.${name}.image has no digest`);
    if (pin.build !== undefined) {
      const b = pin.build;
      const ok =
        isObject(b) &&
        typeof b.contextDigest === 'string' &&
        typeof b.dockerfile === 'string' &&
        isObject(b.files) &&
        isObject(b.args) &&
        isObject(b.from) &&
        Object.values(b.from).every(isPin);
      if (!ok) throw invalid(file, `services.${name}.build is incomplete`);
    }
  }
  return value as unknown as LockFile;
}

function isPin(v: unknown): boolean {
  return isObject(v) && typeof v.ref === 'string' && typeof v.digest === 'string' && v.digest.startsWith('sha256:');
}

function invalid(file: string, why: string): BerthError {
  return new BerthError('LOCK_INVALID', `${file}: ${why}`, {
    hint: 'write it again with `berth lock` (it is generated; do not edit it by hand)',
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
  return out;
}
