// Time values in query strings (events and logs `since`/`until`): Unix seconds, optionally with a fraction, as
// the docker CLI sends them after turning "10m" or an RFC 3339 date into a timestamp on its side.
import { EngineError } from '../errors.js';

const UNIX_TIME = /^-?\d{1,12}(\.\d{1,9})?$/; // 12 digits: beyond year 33000, still a valid Date

/** The parameter in seconds, undefined when absent or empty; EngineError `invalid` (a 400) when not a timestamp. */
export function unixTimeParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!UNIX_TIME.test(value)) {
    throw new EngineError(
      'invalid',
      'ENGINE_BAD_TIME',
      `invalid value for "${name}": "${value}" is not a Unix timestamp`,
      {
        hint: 'give seconds since the epoch, e.g. 1700000000 or 1700000000.5',
      },
    );
  }
  return Number(value);
}
