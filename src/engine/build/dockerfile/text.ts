// Character classes shared by the line reader and the lexers, matching Go's definitions that buildkit relies on.

/** Go's unicode.IsSpace: ASCII whitespace, NEL, NBSP and the Unicode White_Space separators. */
export function isGoSpace(ch: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u.test(ch);
}

/** The string without leading Go whitespace. */
export function trimLeftSpace(s: string): string {
  return s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u, '');
}

/** Docker's reWhitespace split (`[\t\v\f\r ]+`) used for FROM, EXPOSE and the shell form of COPY/ADD/VOLUME. */
export function splitWhitespace(s: string): string[] {
  return s === '' ? [] : s.split(/[\t\v\f\r ]+/);
}
