// "did you mean" for unknown instructions and flags, as buildkit's util/suggest does (edit distance).
import { closestWord } from '../../../closest-word.js';

/** The closest candidate to `word` (case-insensitive), or undefined when none is close enough to help. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  // buildkit's util/suggest allowance: 1 edit for short words, 2 above 3 chars, 3 above 5.
  return closestWord(word, candidates, (length) => (length > 5 ? 3 : length > 3 ? 2 : 1));
}
