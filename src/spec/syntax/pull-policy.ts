// pull_policy as compose-go reads it (types.ServiceConfig.GetPullPolicy): always, never, build, missing (and its
// alias if_not_present), and the refresh policies daily, weekly and every_<duration>, which pull again once the
// image's last pull is older than the duration.
import { parseDuration } from './duration.js';
import { parsedError, parsedOk } from './parsed.js';
import type { Parsed } from './parsed.js';

export type PullPolicy =
  | { kind: 'always' | 'never' | 'build' | 'missing' }
  /** Pull when the image is missing or its last pull is older than `everyMs`. */
  | { kind: 'refresh'; everyMs: number };

const DAY_MS = 86_400_000;

const HINT = 'use always, missing, if_not_present, never, build, daily, weekly or every_<duration> (e.g. every_12h)';

export function parsePullPolicy(value: string | undefined): Parsed<PullPolicy> {
  switch (value) {
    case undefined:
    case 'missing':
    case 'if_not_present':
      return parsedOk({ kind: 'missing' });
    case 'always':
    case 'never':
    case 'build':
      return parsedOk({ kind: value });
    case 'daily':
      return parsedOk({ kind: 'refresh', everyMs: DAY_MS });
    case 'weekly':
      return parsedOk({ kind: 'refresh', everyMs: 7 * DAY_MS });
  }
  if (value.startsWith('every_')) {
    const d = parseDuration(value.slice('every_'.length));
    if (!d.ok || d.value <= 0)
      return parsedError(`pull_policy "${value}": "${value.slice(6)}" is not a duration`, HINT);
    return parsedOk({ kind: 'refresh', everyMs: d.value });
  }
  return parsedError(`pull_policy "${value}" is not a pull policy`, HINT);
}
