// Heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF`) found in an instruction line, as buildkit's
// parser.ParseHeredoc / heredocsFromLine find them: lexed with backslash escapes and no variables.
import { lexWord } from './lex.js';

/** A heredoc marker before its body is read. */
export interface HeredocMarker {
  name: string;
  expand: boolean;
  chomp: boolean;
}

const MARKER = /^(\d*)<<(-?)([^<]*)$/;
const NO_VARS: ReadonlyMap<string, string> = new Map();

/** The marker a single word stands for, or undefined when the word is not one (`<<` alone, `a<<b`, `<<a b`). */
export function parseHeredocMarker(word: string): HeredocMarker | undefined {
  const m = MARKER.exec(word);
  const rest = m?.[3];
  if (m === null || rest === undefined || rest === '') return undefined;
  const words = lexWord(rest, { escape: '\\', vars: NO_VARS, skipUnset: true }).words;
  if (words.length !== 1) return undefined;
  const raw = lexWord(rest, { escape: '\\', vars: NO_VARS, skipUnset: true, rawQuotes: true }).words;
  // Lexed with and without keeping quotes: a difference means part of the name was quoted, so no expansion.
  return { name: words[0]!, expand: countQuotes(words[0]!) === countQuotes(raw[0] ?? ''), chomp: m[2] === '-' };
}

/** Every marker of an instruction line, in order. A line the lexer cannot split has none, as in buildkit. */
export function heredocMarkersOf(line: string): HeredocMarker[] {
  let words: string[];
  try {
    words = lexWord(line, { escape: '\\', vars: NO_VARS, skipUnset: true, rawQuotes: true, rawEscapes: true }).words;
  } catch {
    return [];
  }
  return words.map(parseHeredocMarker).filter((h): h is HeredocMarker => h !== undefined);
}

/** `<<-`: leading tabs removed from every line of the body (buildkit's ChompHeredocContent). */
export function chompHeredoc(content: string): string {
  return content.replace(/^\t+/gm, '');
}

function countQuotes(s: string): number {
  return s.split('').filter((c) => c === "'" || c === '"').length;
}
