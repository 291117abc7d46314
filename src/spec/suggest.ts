// "Did you mean" for misspelled keys and names: the closest candidate by edit distance, if it is close enough.
import { closestWord } from '../closest-word.js';

export function suggest(word: string, candidates: readonly string[]): string | undefined {
  // Allow about one edit in three characters, so "imagee" finds "image" but "foo" does not find "ports".
  return closestWord(word, candidates, (length) => Math.max(1, Math.floor(length / 3)));
}
