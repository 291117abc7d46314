// The keys the schema knows at a place in a stack file, for "did you mean" hints on unknown keys.
import type { PathSegment } from '../tree.js';
import { KNOWN_KEYS } from './known-keys.generated.js';

/** Keys allowed at `path` (e.g. ['services', 'web', 'build']); [] when the place is not known. */
export function knownKeysAt(path: readonly PathSegment[]): readonly string[] {
  const want = path.map((seg) => (typeof seg === 'number' ? '[]' : seg));
  for (const [pattern, keys] of Object.entries(KNOWN_KEYS)) {
    const parts = pattern === '' ? [] : pattern.split('.');
    if (parts.length !== want.length) continue;
    // A literal key in the pattern must match; '*' stands for any name (a service, a network...).
    if (parts.every((p, i) => p === want[i] || (p === '*' && want[i] !== '[]'))) return keys;
  }
  return [];
}
