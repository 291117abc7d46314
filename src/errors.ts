// Errors and diagnostics shared by every layer. Rendering lives in one place: src/cli/render-error.ts.
import { compareText } from './compare-text.js';

/** Where a diagnostic points: a stack file position plus the Compose path of the value (services.web.ports[0]). */
export interface SourceAt {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
  path: string; // '' for the document itself
}

/**
 * One finding about user input. `code` is stable (scripts and tests match on it) and carries an area prefix
 * (SPEC_, PLAN_, ENGINE_, CLI_). `message` names the offending value in quotes and has no trailing period;
 * `hint` is the next action and is left out rather than repeating the message.
 */
export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  at?: SourceAt;
  hint?: string;
}

/** An error a user can act on. Anything else that reaches the top of the CLI is a bug in berth. */
export class BerthError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly diagnostics: readonly Diagnostic[];
  constructor(
    code: string,
    message: string,
    opts: { hint?: string; cause?: unknown; diagnostics?: Diagnostic[] } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'BerthError';
    this.code = code;
    this.hint = opts.hint;
    this.diagnostics = opts.diagnostics ?? [];
  }
}

export function isBerthError(e: unknown): e is BerthError {
  return e instanceof BerthError;
}

/** Orders diagnostics by file, line and column; those without a position come first, in their original order. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const x = a.d.at;
      const y = b.d.at;
      if (!x || !y) return x ? 1 : y ? -1 : a.i - b.i;
      return compareText(x.file, y.file) || x.line - y.line || x.column - y.column || a.i - b.i;
    })
    .map(({ d }) => d);
}
