// The shell-word lexer of Dockerfile arguments, a port of buildkit's frontend/dockerfile/shell/lex.go: quote
// removal, escapes, $VAR / ${VAR...} expansion and, for expandWords, field splitting. No command substitution,
// no globbing: a Dockerfile word is never run through a shell.
import { DockerfileError } from './errors.js';
import { replacePattern, trimPrefix, trimSuffix } from './lex-pattern.js';
import { isGoSpace } from './text.js';

/** How one lexing runs. `skipUnset`, `rawQuotes` and `rawEscapes` exist for heredoc detection, as in buildkit. */
export interface LexOptions {
  escape: string;
  vars: ReadonlyMap<string, string>;
  skipUnset?: boolean;
  rawQuotes?: boolean;
  rawEscapes?: boolean;
}

/** The word as one string (`word`) and split into fields (`words`): unquoted spaces and unquoted $VAR values split. */
export interface LexResult {
  word: string;
  words: string[];
}

/** Expand one word: quotes removed, escapes applied, variables substituted; spaces are kept. Throws DockerfileError. */
export function expandWord(word: string, vars: ReadonlyMap<string, string>, escape: '\\' | '`' = '\\'): string {
  return lexWord(word, { escape, vars }).word;
}

/** Expand with field splitting, as Docker does for shell-form EXPOSE and VOLUME: `a "b c" $X` gives three fields. */
export function expandWords(word: string, vars: ReadonlyMap<string, string>, escape: '\\' | '`' = '\\'): string[] {
  return lexWord(word, { escape, vars }).words;
}

export function lexWord(source: string, opts: LexOptions): LexResult {
  const lx: Lexer = { ...opts, chars: Array.from(source), pos: 0 };
  try {
    return processStopOn(lx, undefined, opts.rawEscapes ?? false);
  } catch (e) {
    if (e instanceof LexFailure) throw new DockerfileError(`failed to process "${source}": ${e.message}`);
    throw e;
  }
}

interface Lexer extends LexOptions {
  chars: string[];
  pos: number;
}

class LexFailure extends Error {}

const peek = (lx: Lexer): string | undefined => lx.chars[lx.pos];
const next = (lx: Lexer): string | undefined => lx.chars[lx.pos++];

interface Fields {
  word: string;
  words: string[];
  inWord: boolean;
}

function addChar(f: Fields, ch: string): void {
  if (!isGoSpace(ch)) addRaw(f, ch);
  else if (f.inWord && f.word !== '') {
    f.words.push(f.word);
    f.word = '';
    f.inWord = false;
  }
}

function addRaw(f: Fields, s: string): void {
  f.word += s;
  f.inWord = true;
}

function finish(f: Fields): string[] {
  if (f.word !== '') f.words.push(f.word);
  return f.words;
}

function processStopOn(lx: Lexer, stop: string | undefined, rawEscapes: boolean): LexResult {
  let result = '';
  const fields: Fields = { word: '', words: [], inWord: false };
  for (let ch = peek(lx); ch !== undefined; ch = peek(lx)) {
    if (ch === stop) {
      next(lx);
      return { word: result, words: finish(fields) };
    }
    if (ch === "'" || ch === '"' || ch === '$') {
      const part = ch === "'" ? singleQuoted(lx) : ch === '"' ? doubleQuoted(lx) : dollar(lx);
      result += part;
      // A variable's value is split into fields; a quoted string never is.
      if (ch === '$') for (const c of part) addChar(fields, c);
      else addRaw(fields, part);
      continue;
    }
    let c = next(lx)!;
    if (c === lx.escape) {
      if (rawEscapes) {
        addRaw(fields, c);
        result += c;
      }
      const escaped = next(lx);
      if (escaped === undefined) break; // an escape at the very end is dropped
      c = escaped;
      addRaw(fields, c);
    } else {
      addChar(fields, c);
    }
    result += c;
  }
  if (stop !== undefined) throw new LexFailure(`unexpected end of statement while looking for matching ${stop}`);
  return { word: result, words: finish(fields) };
}

function singleQuoted(lx: Lexer): string {
  // Everything up to the next ' is literal; a ' cannot be escaped inside.
  let result = lx.rawQuotes ? next(lx)! : (next(lx), '');
  for (;;) {
    const ch = next(lx);
    if (ch === undefined) throw new LexFailure('unexpected end of statement while looking for matching single-quote');
    if (ch === "'") return lx.rawQuotes ? result + ch : result;
    result += ch;
  }
}

function doubleQuoted(lx: Lexer): string {
  let result = lx.rawQuotes ? next(lx)! : (next(lx), '');
  for (;;) {
    const p = peek(lx);
    if (p === undefined) throw new LexFailure('unexpected end of statement while looking for matching double-quote');
    if (p === '"') {
      next(lx);
      return lx.rawQuotes ? result + p : result;
    }
    if (p === '$') {
      result += dollar(lx);
      continue;
    }
    let ch = next(lx)!;
    if (ch === lx.escape) {
      if (lx.rawEscapes) result += ch;
      const after = peek(lx);
      if (after === undefined) continue; // escape at end of word: ignored
      // Only " $ and the escape itself can be escaped in double quotes; any other escape stays literal.
      if (after === '"' || after === '$' || after === lx.escape) ch = next(lx)!;
    }
    result += ch;
  }
}

function dollar(lx: Lexer): string {
  next(lx);
  if (peek(lx) !== '{') {
    const name = readName(lx);
    if (name === '') return '$';
    const value = lx.vars.get(name);
    if (value === undefined && lx.skipUnset) return '$' + name;
    return value ?? '';
  }
  next(lx);
  const first = peek(lx);
  if (first === undefined) throw new LexFailure("syntax error: missing '}'");
  if (first === '{' || first === '}' || first === ':') throw new LexFailure('syntax error: bad substitution');
  const name = readName(lx);
  const op = next(lx);
  if (op === undefined) throw new LexFailure("syntax error: missing '}'");
  const value = lx.vars.get(name);
  if (op === '}') {
    if (value === undefined && lx.skipUnset) return `\${${name}}`;
    return value ?? '';
  }
  if (op === '/') return substitute(lx, name, value);
  return modifier(lx, name, op, value);
}

// ${VAR-w} ${VAR:-w} ${VAR+w} ${VAR:+w} ${VAR?m} ${VAR:?m} ${VAR#p} ${VAR##p} ${VAR%p} ${VAR%%p}
function modifier(lx: Lexer, name: string, op: string, value: string | undefined): string {
  let ch: string | undefined = op;
  let chs = op;
  const nullIsUnset = op === ':';
  if (nullIsUnset) {
    ch = next(lx);
    chs += ch ?? '';
  } else if (!'+-?#%'.includes(op)) {
    throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
  }
  const isPattern = ch === '#' || ch === '%';
  if (nullIsUnset && isPattern) throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
  let word = readUntil(lx, '}', isPattern);
  if (value === undefined && lx.skipUnset) return `\${${name}${chs}${word}}`;
  const isNull = value === undefined || (nullIsUnset && value === '');
  switch (ch) {
    case '-':
      return isNull ? word : value!;
    case '+':
      return isNull ? '' : word;
    case '?':
      if (value === undefined) throw new LexFailure(`${name}: ${word || 'is not allowed to be unset'}`);
      if (isNull) throw new LexFailure(`${name}: ${word || 'is not allowed to be empty'}`);
      return value;
    case '#':
    case '%': {
      const greedy = word.startsWith(ch);
      if (greedy) word = word.slice(1);
      return ch === '%' ? trimSuffix(word, value ?? '', greedy) : trimPrefix(word, value ?? '', greedy);
    }
    default:
      throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
  }
}

function substitute(lx: Lexer, name: string, value: string | undefined): string {
  const all = peek(lx) === '/';
  if (all) next(lx);
  let pattern: string;
  try {
    pattern = processStopOn(lx, '/', true).word;
  } catch (e) {
    if (peek(lx) === undefined) throw new LexFailure("syntax error: missing '/' in ${}");
    throw e;
  }
  const replacement = readUntil(lx, '}', true);
  if (value === undefined && lx.skipUnset) return `\${${name}/${pattern}/${replacement}}`;
  try {
    return replacePattern(value ?? '', pattern, replacement, all);
  } catch (e) {
    throw new LexFailure(`invalid pattern (${pattern}) in substitution: ${(e as Error).message}`);
  }
}

function readUntil(lx: Lexer, stop: string, rawEscapes: boolean): string {
  try {
    return processStopOn(lx, stop, rawEscapes).word;
  } catch (e) {
    if (peek(lx) === undefined) throw new LexFailure("syntax error: missing '}'");
    throw e;
  }
}

// A name is letters, digits and _; a leading digit reads a positional parameter; $@ $* $# $? $- $$ $! $0 are special.
function readName(lx: Lexer): string {
  let name = '';
  for (let ch = peek(lx); ch !== undefined; ch = peek(lx)) {
    if (name === '' && /^\p{Nd}$/u.test(ch)) {
      while (peek(lx) !== undefined && /^\p{Nd}$/u.test(peek(lx)!)) name += next(lx);
      return name;
    }
    if (name === '' && '@*#?-$!0'.includes(ch)) return next(lx)!;
    if (!/^[\p{L}\p{Nd}_]$/u.test(ch)) break;
    name += next(lx);
  }
  return name;
}
