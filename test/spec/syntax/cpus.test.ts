import { describe, expect, it } from 'vitest';
import { parseCpus } from '../../../src/spec/syntax/cpus.js';

describe('parseCpus', () => {
  it.each<[string | number, number]>([
    [2, 2],
    [0.5, 0.5],
    [0, 0],
    ['0.5', 0.5],
    ['2', 2],
    ['1.25', 1.25],
    ['.5', 0.5],
    ['2.', 2],
    ['+1', 1],
    ['0', 0],
    ['-0', 0],
    ['1e1', 10],
  ])('reads %j as %j', (input, cpus) => {
    expect(parseCpus(input)).toEqual({ ok: true, value: cpus });
  });

  it.each<[string | number, string, string]>([
    ['', '"" is not a number of CPUs', 'use a decimal number, e.g. "0.5" or 2'],
    ['abc', '"abc" is not a number of CPUs', 'use a decimal number, e.g. "0.5" or 2'],
    ['0,5', '"0,5" is not a number of CPUs', 'use a decimal number, e.g. "0.5" or 2'],
    [' 1', '" 1" is not a number of CPUs', 'use a decimal number, e.g. "0.5" or 2'],
    ['inf', '"inf" is not a number of CPUs', 'use a decimal number, e.g. "0.5" or 2'],
    ['NaN', '"NaN" is not a number of CPUs', 'use a decimal number, e.g. "0.5" or 2'],
    [Number.POSITIVE_INFINITY, '"Infinity" is not a number of CPUs', 'use a decimal number, e.g. "0.5" or 2'],
    ['-0.5', '"-0.5" is a negative number of CPUs', 'use 0 or more; 0 means no limit'],
    [-1, '"-1" is a negative number of CPUs', 'use 0 or more; 0 means no limit'],
  ])('rejects %j', (input, message, hint) => {
    expect(parseCpus(input)).toEqual({ ok: false, message, hint });
  });
});
