// Parser directives (`# escape=`, `# syntax=`), read only before the first instruction, comment or empty line.
import { failAt } from './errors.js';

/** The directives seen so far; `done` once a line is not a directive (buildkit's directives struct). */
export interface DirectiveState {
  escape: '\\' | '`';
  syntax?: string;
  done: boolean;
  seen: Set<string>;
}

// buildkit: reDirectives; Go's \s is [\t\n\f\r ].
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
// `check` is a known directive (build checks); we accept and ignore it so it does not end the directive block.
const KNOWN = new Set(['escape', 'syntax', 'check']);

export function newDirectiveState(): DirectiveState {
  return { escape: '\\', done: false, seen: new Set() };
}

/**
 * Feed one physical line (newline trimmed). A line that is not a known directive ends the directive block,
 * as Docker does: directives after it are plain comments.
 */
export function readDirective(state: DirectiveState, line: string, site: { file: string; line: number }): void {
  if (state.done) return;
  const m = DIRECTIVE.exec(line);
  const name = m?.[1]?.toLowerCase();
  if (m === null || name === undefined || !KNOWN.has(name)) {
    state.done = true;
    return;
  }
  const at = { file: site.file, at: { line: site.line, column: 1 } };
  if (state.seen.has(name))
    failAt(at, `only one ${name} parser directive can be used`, 'remove the repeated directive');
  state.seen.add(name);
  const value = m[2]!;
  if (name === 'syntax') state.syntax = value;
  if (name !== 'escape') return;
  if (value !== '\\' && value !== '`') {
    failAt(at, `invalid escape token '${value}' does not match \` or \\`, 'use "# escape=\\" or "# escape=`"');
  }
  state.escape = value;
}
