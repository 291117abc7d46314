// Docker's parseWords: split ENV/LABEL/ARG arguments on unquoted whitespace, keeping quotes and escapes in the
// words (they are removed later, when the builder expands each value).
import { isGoSpace } from './text.js';

export function parseWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let word = '';
  let quote = '';
  let inWord = false;
  let blankOk = false;
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i]!;
    if (!inWord) {
      if (isGoSpace(ch)) continue;
      inWord = true;
    }
    if (quote === '') {
      if (isGoSpace(ch)) {
        if (blankOk || word !== '') words.push(word);
        word = '';
        blankOk = false;
        inWord = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
      } else if (ch === escape) {
        if (i + 1 === chars.length) continue; // an escape at the end of the line is dropped
        // Outside quotes the escape and the next char (even a quote) go into the word as a pair.
        word += ch;
        ch = chars[++i]!;
      }
      word += ch;
      continue;
    }
    if (ch === quote) {
      quote = '';
    } else if (ch === escape && quote !== "'") {
      // Inside "..." an escape protects the next char; inside '...' nothing can be escaped.
      if (i + 1 === chars.length) continue;
      word += ch;
      ch = chars[++i]!;
    }
    word += ch;
  }
  if (inWord && (blankOk || word !== '')) words.push(word);
  return words;
}
