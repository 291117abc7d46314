// The one error an EngineClient throws. `kind` is what callers branch on (catch a specific kind, never every
// error); `code` and `hint` are what the user sees, rendered by src/cli/render-error.ts. Over the Docker Engine
// API the kind comes from the HTTP status and, from berthd, the code and hint from the error body beside Docker's
// `message` (src/client/docker/); the in-memory engine throws them directly.
import { BerthError } from '../errors.js';
import type { EngineErrorKind } from './types.js';

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
