import { describe, expect, it } from 'vitest';
import { parseUlimit } from '../../../src/spec/syntax/ulimits.js';

describe('parseUlimit', () => {
  it.each<[number | { soft: number; hard: number }, { soft: number; hard: number }]>([
    [65535, { soft: 65535, hard: 65535 }],
    [0, { soft: 0, hard: 0 }],
    [-1, { soft: -1, hard: -1 }],
    [
      { soft: 20000, hard: 40000 },
      { soft: 20000, hard: 40000 },
    ],
    [
      { soft: 1024, hard: 1024 },
      { soft: 1024, hard: 1024 },
    ],
    [
      { soft: -1, hard: 100 },
      { soft: -1, hard: 100 },
    ],
  ])('reads %j', (input, limits) => {
    expect(parseUlimit(input)).toEqual({ ok: true, value: limits });
  });

  it.each<[number | { soft: number; hard: number }, string, string]>([
    [
      { soft: 40000, hard: 20000 },
      'ulimit soft limit "40000" is above its hard limit "20000"',
      'raise hard to at least 40000, or lower soft',
    ],
    [
      { soft: 100, hard: -1 },
      'ulimit soft limit "100" is above its hard limit "-1"',
      'raise hard to at least 100, or lower soft',
    ],
    [1.5, '"1.5" is not a whole number', 'ulimits are whole numbers, e.g. 65535'],
    [{ soft: 1, hard: 2.5 }, '"2.5" is not a whole number', 'ulimits are whole numbers, e.g. 65535'],
    [Number.NaN, '"NaN" is not a whole number', 'ulimits are whole numbers, e.g. 65535'],
  ])('rejects %j', (input, message, hint) => {
    expect(parseUlimit(input)).toEqual({ ok: false, message, hint });
  });
});
