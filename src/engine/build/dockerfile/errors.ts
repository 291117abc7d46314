// The one error the Dockerfile parser and lexer throw: a user mistake in the Dockerfile, named by file:line:column.
import { EngineError } from '../../errors.js';
import type { SourcePos } from './types.js';

/** Stable code of every Dockerfile parse or expansion error. */
export const DOCKERFILE_PARSE = 'ENGINE_DOCKERFILE_PARSE';

/**
 * A Dockerfile the builder cannot use. Kind `invalid`, code ENGINE_DOCKERFILE_PARSE. `message` is
 * `file:line:column: reason` when the place is known, else just `reason` (expandWord has no place: the builder
 * rethrows with `new DockerfileError(e.reason, { file, at, hint: e.hint })`).
 */
export class DockerfileError extends EngineError {
  readonly reason: string;
  readonly file?: string;
  readonly at?: SourcePos;
  constructor(reason: string, opts: { file?: string; at?: SourcePos; hint?: string } = {}) {
    const where = opts.at === undefined ? '' : `${opts.file ?? 'Dockerfile'}:${opts.at.line}:${opts.at.column}: `;
    super('invalid', DOCKERFILE_PARSE, where + reason, opts.hint === undefined ? {} : { hint: opts.hint });
    this.name = 'DockerfileError';
    this.reason = reason;
    this.file = opts.file;
    this.at = opts.at;
  }
}

/** Where errors of one file are reported; the parser passes it down so every throw names file:line:column. */
export interface ErrorSite {
  file: string;
  at: SourcePos;
}

export function failAt(site: ErrorSite, reason: string, hint?: string): never {
  throw new DockerfileError(reason, hint === undefined ? site : { ...site, hint });
}
