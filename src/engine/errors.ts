// The error every part of berthd throws for problems a user can act on. `kind` is what the API layer and the
// client map to and from HTTP statuses (containerd's errdefs idea); callers catch a specific kind, never all.
import { BerthError } from '../errors.js';

/**
 * What went wrong, independent of transport: `not-found` (404), `conflict` (409), `invalid` (400),
 * `unavailable` (503: a host tool or resource is missing), `internal` (500: a bug or a broken store).
 */
export type EngineErrorKind = 'not-found' | 'conflict' | 'invalid' | 'unavailable' | 'internal';

/** A BerthError with a kind. Codes start with ENGINE_ and are stable: tests and scripts match on them. */
export class EngineError extends BerthError {
  readonly kind: EngineErrorKind;
  constructor(kind: EngineErrorKind, code: string, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(code, message, opts);
    this.name = 'EngineError';
    this.kind = kind;
  }
}

export function isEngineError(e: unknown, kind?: EngineErrorKind): e is EngineError {
  return e instanceof EngineError && (kind === undefined || e.kind === kind);
}
