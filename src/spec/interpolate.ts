// Compose variable interpolation with the semantics of compose-go v2 (template/template.go), quirks included.
// compose-go uses a regex plus recursion on the text after each braced expression, which is quadratic; this is a
// scanner over precomputed brace positions with an explicit stack, so any input, however nested, is linear.

/** Resolves a variable. `undefined` means unset, which is not the same as set to "". */
export type Lookup = (name: string) => string | undefined;

/**
 * The outcome of interpolating one string. On success `missing` lists, once each and in order of first use, the
 * variables that were unset with no default and so became "" (compose warns about each one). On failure `offset` is
 * the index in the input of the `$` that starts the failing expression; `message` uses compose-go's wording.
 */
export type Interpolated =
  | { ok: true; value: string; missing: readonly string[] }
  | { ok: false; message: string; hint?: string; offset: number };

type Failure = Extract<Interpolated, { ok: false }>;
type Operator = ':-' | '-' | ':+' | '+' | ':?' | '?';

/** A piece of the input being substituted: the whole input, or the body of a `${name<operator>body}`. */
interface Frame {
  pos: number;
  end: number;
  out: string[];
  expr?: { name: string; operator: Operator; at: number };
}

/** Brace positions of the whole input, computed once and only for inputs that use `${name<operator>...}`. */
interface BraceIndex {
  match: Int32Array; // match[i]: the `}` closing the `{` at i, counted the way compose-go counts, or -1
  lastBrace: Int32Array; // lastBrace[i]: the last `}` at or before i, or -1
  lineEnd: Int32Array; // lineEnd[i]: the first `\n` at or after i, or the input length
}

const DOLLAR = 36;
const OPEN = 123;
const CLOSE = 125;

export function interpolate(text: string, lookup: Lookup): Interpolated {
  const missing = new Set<string>();
  const resolve = (name: string): string => {
    const value = lookup(name);
    if (value === undefined) missing.add(name);
    return value ?? '';
  };
  let index: BraceIndex | undefined;
  const indexOnce = (): BraceIndex => (index ??= indexBraces(text));
  const frames: Frame[] = [{ pos: 0, end: text.length, out: [] }];
  for (;;) {
    const frame = frames[frames.length - 1]!;
    if (frame.pos < frame.end) {
      const next = step(frame, { text, resolve, indexOnce });
      if (next && 'ok' in next) return next;
      if (next) frames.push(next);
      continue;
    }
    frames.pop();
    const parent = frames[frames.length - 1];
    const body = frame.out.join('');
    if (!frame.expr || !parent) return { ok: true, value: body, missing: [...missing] };
    const value = applyOperator(frame.expr, body, lookup);
    if (typeof value !== 'string') return value;
    parent.out.push(value);
  }
}

interface StepContext {
  text: string;
  resolve: (name: string) => string;
  indexOnce: () => BraceIndex;
}

/** Copies literal text up to the next `$` and handles that one expression; returns a frame for an operator body. */
function step(frame: Frame, ctx: StepContext): Frame | Failure | undefined {
  const { text } = ctx;
  let dollar = frame.pos;
  // bounded by the frame, not indexOf, so text after a deeply nested body is not rescanned once per level
  while (dollar < frame.end && text.charCodeAt(dollar) !== DOLLAR) dollar++;
  if (dollar > frame.pos) frame.out.push(text.slice(frame.pos, dollar));
  if (dollar >= frame.end) {
    frame.pos = frame.end;
    return undefined;
  }
  const next = dollar + 1 < frame.end ? text.charCodeAt(dollar + 1) : -1;
  if (next === DOLLAR) {
    frame.out.push('$');
    frame.pos = dollar + 2;
  } else if (isNameStart(next)) {
    const end = nameEnd(text, dollar + 1, frame.end);
    frame.out.push(ctx.resolve(text.slice(dollar + 1, end)));
    frame.pos = end;
  } else if (next === OPEN) {
    return openBraced(dollar, frame, ctx);
  } else {
    // "$", "$}", "$ x", "$1": not an expression, so compose keeps the $ as it is
    frame.out.push('$');
    frame.pos = dollar + 1;
  }
  return undefined;
}

function openBraced(dollar: number, frame: Frame, ctx: StepContext): Frame | Failure | undefined {
  const { text } = ctx;
  const start = dollar + 2;
  const stop = start < frame.end && isNameStart(text.charCodeAt(start)) ? nameEnd(text, start, frame.end) : start;
  if (stop === start) return invalid(text, dollar);
  const name = text.slice(start, stop);
  const c = stop < frame.end ? text[stop] : '';
  if (c === '}') {
    frame.out.push(ctx.resolve(name));
    frame.pos = stop + 1;
    return undefined;
  }
  let operator: Operator;
  const d = stop + 1 < frame.end ? text[stop + 1] : '';
  if (c === ':' && (d === '-' || d === '+' || d === '?')) operator = `:${d}` as Operator;
  else if (c === '-' || c === '+' || c === '?') operator = c;
  else return invalid(text, dollar);
  const bodyStart = stop + operator.length;
  // compose-go's pattern takes the body greedily up to the last "}" of the line, then cuts it at the "}" that
  // balances the opening one: "${A:-x} and ${B}" is A's expression followed by " and ${B}"
  const index = ctx.indexOnce();
  const last = lastBraceOnLine(index, bodyStart, frame.end);
  if (last < 0) return invalid(text, dollar);
  const balanced = index.match[dollar + 1]!;
  const bodyEnd = balanced >= 0 && balanced <= last ? balanced : last;
  frame.pos = bodyEnd + 1;
  return { pos: bodyStart, end: bodyEnd, out: [], expr: { name, operator, at: dollar } };
}

/** The body is always substituted first, even when unused, so an error inside it fails as it does in compose. */
function applyOperator(expr: NonNullable<Frame['expr']>, body: string, lookup: Lookup): string | Failure {
  const value = lookup(expr.name);
  const isSet = value !== undefined;
  const isFull = isSet && value !== '';
  switch (expr.operator) {
    case ':-':
      return isFull ? value : body;
    case '-':
      return isSet ? value : body;
    case ':+':
      return isFull ? body : '';
    case '+':
      return isSet ? body : '';
    case ':?':
      if (isFull) return value;
      break;
    case '?':
      if (isSet) return value;
      break;
  }
  return {
    ok: false,
    message: `required variable ${expr.name} is missing a value${body === '' ? '' : `: ${body}`}`,
    hint: `set ${expr.name} in the environment or in the .env file`,
    offset: expr.at,
  };
}

function invalid(text: string, offset: number): Failure {
  const shown = text.length <= 80 ? text : `${text.slice(offset, offset + 40)}...`;
  return {
    ok: false,
    message: `invalid interpolation format for ${JSON.stringify(shown)}`,
    hint: 'use "$$" for a literal "$"',
    offset,
  };
}

function isNameStart(c: number): boolean {
  return c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function nameEnd(text: string, from: number, end: number): number {
  let i = from;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (!isNameStart(c) && !(c >= 48 && c <= 57)) break;
    i++;
  }
  return i;
}

function lastBraceOnLine(index: BraceIndex, from: number, end: number): number {
  if (from >= end) return -1;
  const limit = Math.min(index.lineEnd[from]!, end) - 1;
  if (limit < from) return -1;
  const brace = index.lastBrace[limit]!;
  return brace >= from ? brace : -1;
}

function indexBraces(text: string): BraceIndex {
  const n = text.length;
  const match = new Int32Array(n).fill(-1);
  const lastBrace = new Int32Array(n);
  const lineEnd = new Int32Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  // compose-go's getFirstBraceClosingIndex skips the character after each "{", so "{}" only opens; every walk
  // that starts at the "{" of a "${" lands on the same characters, which lets one walk serve them all
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === CLOSE) {
      if (top > 0) match[stack[--top]!] = i;
    } else if (c === OPEN) {
      stack[top++] = i;
      i++;
    }
  }
  let brace = -1;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) === CLOSE) brace = i;
    lastBrace[i] = brace;
  }
  let newline = n;
  for (let i = n - 1; i >= 0; i--) {
    if (text.charCodeAt(i) === 10) newline = i;
    lineEnd[i] = newline;
  }
  return { match, lastBrace, lineEnd };
}
