// An instruction line split into keyword, leading `--flags` and the rest (buildkit's splitCommand and
// extractBuilderFlags). Flag words lose their quotes and backslash escapes here, as in Docker.
import { isGoSpace } from './text.js';

/** The parts of one instruction line; `restOffset` is where `rest` starts in the trimmed line. */
export interface CommandParts {
  keyword: string;
  flagWords: string[];
  rest: string;
  restOffset: number;
}

export function splitCommand(line: string): CommandParts {
  const trimmed = line.trim();
  const gap = /[\t\v\f\r ]+/.exec(trimmed);
  if (gap === null) return { keyword: trimmed, flagWords: [], rest: '', restOffset: trimmed.length };
  const argsStart = gap.index + gap[0].length;
  const { words, restIndex } = extractFlagWords(trimmed.slice(argsStart));
  return {
    keyword: trimmed.slice(0, gap.index),
    flagWords: words,
    rest: trimmed.slice(argsStart + restIndex),
    restOffset: argsStart + restIndex,
  };
}

// Reads `--name[=value]` words while the next word starts with `--`; `--` alone ends the flags.
function extractFlagWords(line: string): { words: string[]; restIndex: number } {
  const words: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < line.length && isGoSpace(line[pos]!)) pos++;
    if (pos >= line.length || !line.startsWith('--', pos)) return { words, restIndex: Math.min(pos, line.length) };
    let word = '';
    let quote = '';
    let blankOk = false;
    for (; pos < line.length; pos++) {
      let ch = line[pos]!;
      if (quote === '' && isGoSpace(ch)) break;
      if (quote === '' && (ch === "'" || ch === '"')) {
        quote = ch;
        blankOk = true;
        continue;
      }
      if (quote !== '' && ch === quote) {
        quote = '';
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === line.length) continue; // a backslash at the very end is dropped
        ch = line[++pos]!;
      }
      word += ch;
    }
    if (word === '--') {
      while (pos < line.length && isGoSpace(line[pos]!)) pos++;
      return { words, restIndex: pos };
    }
    if (blankOk || word !== '') words.push(word);
  }
}
