// Go filepath.Match semantics for COPY wildcards, one segment at a time.
import { describe, expect, it } from 'vitest';
import { hasWildcards, segmentPattern } from '../../../../src/engine/build/context/copy-match.js';

const matches = (pattern: string, name: string) => segmentPattern(pattern)?.test(name) ?? false;

describe('segmentPattern', () => {
  it('matches *, ?, classes, negation and escapes as Go does', () => {
    expect(matches('*.go', 'main.go')).toBe(true);
    expect(matches('*.go', '.hidden.go')).toBe(true);
    expect(matches('a?c', 'abc')).toBe(true);
    expect(matches('a?c', 'ac')).toBe(false);
    expect(matches('[a-c]x', 'bx')).toBe(true);
    expect(matches('[^a-c]x', 'bx')).toBe(false);
    expect(matches('[^a-c]x', 'dx')).toBe(true);
    expect(matches('\\*', '*')).toBe(true);
    expect(matches('\\*', 'a')).toBe(false);
    expect(matches('a-b.(x)', 'a-b.(x)')).toBe(true);
  });

  it('treats bad patterns as matching nothing', () => {
    expect(segmentPattern('[')).toBeNull();
    expect(segmentPattern('[]')).toBeNull();
    expect(segmentPattern('a\\')).toBeNull();
  });

  it('finds wildcards unless escaped', () => {
    expect(hasWildcards('a/*.txt')).toBe(true);
    expect(hasWildcards('a\\*.txt')).toBe(false);
    expect(hasWildcards('plain/path')).toBe(false);
  });
});
