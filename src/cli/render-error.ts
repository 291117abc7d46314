// Every error and warning a user sees is rendered here: `file:line:col: path: message (hint: ...)`, relative file
// names, no stack trace unless BERTH_DEBUG=1. Anything that is not a BerthError is a bug in berth and says so.
import { relative } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { isBerthError } from '../errors.js';

export function renderDiagnostic(d: Diagnostic, cwd: string): string {
  const where = d.at ? `${displayPath(d.at.file, cwd)}:${d.at.line}:${d.at.column}: ` : '';
  const path = d.at?.path ? `${d.at.path}: ` : '';
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  const hint = d.hint ? ` (hint: ${d.hint})` : '';
  return `${prefix}${where}${path}${d.message}${hint} [${d.code}]`;
}

export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

export function renderError(
  e: unknown,
  ctx: { cwd: string; argv: readonly string[]; version: string; debug: boolean },
): string {
  if (isBerthError(e)) {
    const lines =
      e.diagnostics.length > 0
        ? e.diagnostics.map((d) => renderDiagnostic(d, ctx.cwd))
        : [`error: ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''} [${e.code}]`];
    if (ctx.debug && e.stack) lines.push(e.stack);
    return `${lines.join('\n')}\n`;
  }
  const detail = e instanceof Error ? (ctx.debug ? (e.stack ?? e.message) : e.message) : String(e);
  return `this is a bug in berth ${ctx.version}: ${detail}\n  command: berth ${ctx.argv.join(' ')}\n  please report it with the stack file that caused it${ctx.debug ? '' : ' (BERTH_DEBUG=1 shows the stack trace)'}\n`;
}
