// The .env format as compose-go v2 reads it (dotenv/parser.go), quirks included, with 1-based line and column
// on every error where compose-go only gives a line.

import { interpolate, type Lookup } from './interpolate.js';

/**
 * The variables of one .env file, in order of first definition (a later definition of a key wins), or the first
 * error. `line` and `column` are 1-based and point into the text as given (a leading BOM is not counted); `column`
 * counts UTF-16 code units.
 */
export type DotenvResult =
  { ok: true; vars: Map<string, string> } | { ok: false; message: string; line: number; column: number; hint?: string };

type Failure = Extract<DotenvResult, { ok: false }>;

/** Text as UTF-16 units, each with the index in the file it came from, so an error inside a value can be placed. */
interface Traced {
  units: string[];
  at: number[];
}

interface Parser {
  text: string;
  pos: number;
  lineStarts: number[];
  vars: Map<string, string>;
  lookup: Lookup;
  // compose-go asks the lookup (the process environment) first, then the keys defined earlier in the file
  resolve: Lookup;
}

/**
 * Parses a .env file. `lookup` is the environment: it fills a bare `KEY` line and, ahead of the file's own earlier
 * keys, the variables of unquoted and double-quoted values. `earlier` (the variables of the files read before this
 * one, for a service's env_file list) comes after the file's own keys. A failure stops the parse, as in compose.
 */
export function parseDotenv(text: string, lookup: Lookup, earlier: Lookup = () => undefined): DotenvResult {
  const start = text.startsWith('\uFEFF') ? 1 : 0;
  const vars = new Map<string, string>();
  const p: Parser = {
    text,
    pos: start,
    lineStarts: lineStartsOf(text, start),
    vars,
    lookup,
    resolve: (name) => lookup(name) ?? vars.get(name) ?? earlier(name),
  };
  for (;;) {
    p.pos = skipToStatement(text, p.pos);
    if (p.pos >= text.length) return { ok: true, vars };
    const failure = parseStatement(p);
    if (failure) return failure;
  }
}

function parseStatement(p: Parser): Failure | undefined {
  const { text } = p;
  const start = p.pos;
  let pos = start;
  if (text.startsWith('export', pos) && isRegexpSpace(text.charCodeAt(pos + 6))) pos = skipBlank(text, pos + 6);
  if (pos >= text.length) return fail(p, start, { message: 'expected a variable name after "export"' });
  const sep = scanKey(p, pos);
  if (typeof sep !== 'number') return sep;
  // Without "=", ":" or a newline (a bare KEY on the last line), compose reads the text as the value of key ""
  let key = '';
  let valueStart = pos;
  let inherited = false;
  if (sep >= 0) {
    key = trimEndSpace(text.slice(pos, sep));
    inherited = text[sep] === '\n';
    valueStart = skipBlank(text, sep + 1);
  }
  if (key.includes(' ')) {
    const message = `variable name ${JSON.stringify(key)} cannot contain a space`;
    return fail(p, pos, { message, hint: 'use "_" instead of spaces' });
  }
  if (inherited) {
    const value = p.lookup(key);
    if (value !== undefined) p.vars.set(key, value);
    p.pos = valueStart;
    return undefined;
  }
  const quote = text[valueStart];
  return quote === '"' || quote === "'" ? parseQuoted(p, key, valueStart) : parseUnquoted(p, key, valueStart);
}

/** Returns the index of the "=", ":" or newline that ends the key, -1 if none, or the failure. */
function scanKey(p: Parser, from: number): number | Failure {
  const { text } = p;
  for (let i = from; i < text.length;) {
    const cp = text.codePointAt(i)!;
    if (cp === 61 || cp === 58 || cp === 10) return i;
    if (!isBlank(cp) && !isKeyChar(cp)) {
      const nl = text.indexOf('\n', from);
      const line = text.slice(from, nl === -1 ? text.length : nl);
      const char = JSON.stringify(String.fromCodePoint(cp));
      return fail(p, i, {
        message: `unexpected character ${char} in variable name ${JSON.stringify(line)}`,
        hint: 'a variable name may hold letters, digits, "_", ".", "-", "[" and "]"',
      });
    }
    i += cp > 0xffff ? 2 : 1;
  }
  return -1;
}

function parseUnquoted(p: Parser, key: string, start: number): Failure | undefined {
  const { text } = p;
  const nl = text.indexOf('\n', start);
  let raw = text.slice(start, nl === -1 ? text.length : nl);
  // only " #" starts a comment: "a#b" and "a\t#b" are values, and so is "#b" right after the "="
  const comment = raw.indexOf(' #');
  if (comment !== -1) raw = raw.slice(0, comment);
  const result = interpolate(trimEndSpace(raw), p.resolve);
  if (!result.ok) return fail(p, start + result.offset, result);
  p.vars.set(key, result.value);
  p.pos = nl === -1 ? text.length : nl + 1;
  return undefined;
}

function parseQuoted(p: Parser, key: string, start: number): Failure | undefined {
  const { text } = p;
  const quote = text[start]!;
  const raw: Traced = { units: [], at: [] };
  let escaped = false;
  let end = -1;
  for (let i = start + 1; i < text.length && end < 0; i++) {
    const c = text[i]!;
    if (escaped) {
      escaped = false;
      // an escaped quote drops its backslash; any other escape is left for expandEscapes
      if (c !== quote) append(raw, '\\', i - 1);
      append(raw, c, i - 1);
    } else if (c === '\\') escaped = true;
    else if (c === quote) end = i;
    else append(raw, c, i);
  }
  if (end < 0) {
    const nl = text.indexOf('\n', start);
    const shown = text.slice(start, nl === -1 ? text.length : nl);
    return fail(p, start, { message: `unterminated quoted value ${shown}`, hint: `close the value with ${quote}` });
  }
  p.pos = end + 1; // whatever follows the closing quote on the line is read as the next statement, as in compose
  if (quote === "'") {
    p.vars.set(key, raw.units.join(''));
    return undefined;
  }
  const expanded = expandEscapes(raw);
  const result = interpolate(expanded.units.join(''), p.resolve);
  if (!result.ok) return fail(p, expanded.at[result.offset] ?? start, result);
  p.vars.set(key, result.value);
  return undefined;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/**
 * compose-go's expandEscapes: the escapes of XSI echo, `\$` as `$$` (so it stays a literal "$" through
 * interpolation) and octal `\0ddd`. A `\0` that is not followed by three octal digits up to 377 loses its "0"
 * (compose-go rewrites it to `\ddd` before Go's UnquoteChar rejects it); anything else keeps its backslash.
 */
function expandEscapes(raw: Traced): Traced {
  const { units, at } = raw;
  const out: Traced = { units: [], at: [] };
  for (let i = 0; i < units.length; i++) {
    const escape = units[i] === '\\' ? units[i + 1] : undefined;
    const simple = escape === undefined ? undefined : SIMPLE_ESCAPES[escape];
    if (escape === undefined || (simple === undefined && escape !== '$' && escape !== '0')) {
      append(out, units[i]!, at[i]!);
    } else if (simple !== undefined) {
      append(out, simple, at[i]!);
      i++;
    } else if (escape === '$') {
      append(out, '$', at[i]!);
      append(out, '$', at[i]!);
      i++;
    } else {
      let j = i + 2;
      while (j < units.length && j < i + 5 && isDigit(units[j]!)) j++;
      const digits = units.slice(i + 2, j).join('');
      const code = /^[0-7]{3}$/.test(digits) ? parseInt(digits, 8) : 256;
      if (code <= 255) append(out, String.fromCharCode(code), at[i]!);
      else for (let k = i; k < j; k++) if (k !== i + 1) append(out, units[k]!, at[k]!);
      i = j - 1;
    }
  }
  return out;
}

function append(traced: Traced, unit: string, pos: number): void {
  traced.units.push(unit);
  traced.at.push(pos);
}

/** Skips white space, newlines included, and whole comment lines. */
function skipToStatement(text: string, from: number): number {
  let pos = from;
  for (;;) {
    while (pos < text.length && isUnicodeSpace(text.charCodeAt(pos))) pos++;
    if (pos >= text.length || text[pos] !== '#') return pos;
    const nl = text.indexOf('\n', pos);
    if (nl === -1) return text.length;
    pos = nl;
  }
}

function skipBlank(text: string, from: number): number {
  let pos = from;
  while (pos < text.length && isBlank(text.charCodeAt(pos))) pos++;
  return pos;
}

function trimEndSpace(s: string): string {
  let end = s.length;
  while (end > 0 && isUnicodeSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

/** dotenv's isSpace: white space that does not end a line. */
function isBlank(c: number): boolean {
  return c === 9 || c === 11 || c === 12 || c === 13 || c === 32 || c === 0x85 || c === 0xa0;
}

/** Go's unicode.IsSpace, which differs from JS `\s`: it has U+0085 and lacks U+FEFF. */
function isUnicodeSpace(c: number): boolean {
  if (c <= 0xff) return (c >= 9 && c <= 13) || c === 32 || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go regexp's `\s`, which the `export` prefix must be followed by. */
function isRegexpSpace(c: number): boolean {
  return c === 9 || c === 10 || c === 12 || c === 13 || c === 32;
}

const KEY_CHAR = /^[\p{L}\p{N}_.\-[\]]$/u;

function isKeyChar(cp: number): boolean {
  if (cp < 0x80) {
    return (
      (cp >= 48 && cp <= 57) ||
      (cp >= 65 && cp <= 90) ||
      (cp >= 97 && cp <= 122) ||
      '_.-[]'.includes(String.fromCharCode(cp))
    );
  }
  return KEY_CHAR.test(String.fromCodePoint(cp));
}

function isDigit(unit: string): boolean {
  return unit >= '0' && unit <= '9';
}

function lineStartsOf(text: string, first: number): number[] {
  const starts = [first];
  for (let i = text.indexOf('\n', first); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function fail(p: Parser, index: number, problem: { message: string; hint?: string | undefined }): Failure {
  let lo = 0;
  let hi = p.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.lineStarts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  const failure: Failure = { ok: false, message: problem.message, line: lo + 1, column: index - p.lineStarts[lo]! + 1 };
  if (problem.hint !== undefined) failure.hint = problem.hint;
  return failure;
}
