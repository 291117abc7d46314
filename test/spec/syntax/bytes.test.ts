import { describe, expect, it } from 'vitest';
import { parseBytes } from '../../../src/spec/syntax/bytes.js';

const HINT =
  'use a number of bytes, or a number with a unit b, k, m, g, t or p (powers of 1024), e.g. "512m" or "1.5g"';

describe('parseBytes', () => {
  it.each<[string | number, number]>([
    [0, 0],
    [1024, 1024],
    [-1, -1], // memswap_limit: -1 means unlimited
    ['-1', -1],
    ['1024', 1024],
    ['100b', 100],
    ['100B', 100],
    ['1k', 1024],
    ['1K', 1024],
    ['1kb', 1024],
    ['1KiB', 1024],
    ['512m', 536_870_912],
    ['512M', 536_870_912],
    ['1g', 1_073_741_824],
    ['1gb', 1_073_741_824],
    ['1GB', 1_073_741_824],
    ['1gib', 1_073_741_824],
    ['1GiB', 1_073_741_824],
    ['1.5g', 1_610_612_736],
    ['1.5 MB', 1_572_864],
    ['2t', 2_199_023_255_552],
    ['1p', 1_125_899_906_842_624],
    ['0.5k', 512],
    ['1.7', 1], // truncated to whole bytes
    [1.5, 1], // a YAML float goes through the string parser
    ['1e3k', 1_024_000],
    ['1 ', 1],
  ])('reads %j as %j bytes', (input, bytes) => {
    expect(parseBytes(input)).toEqual({ ok: true, value: bytes });
  });

  it.each<[string | number, string]>([
    ['', '"" is not a size'],
    ['abc', '"abc" is not a size'],
    ['g', '"g" is not a size'],
    ['1x', '"1x" is not a size'],
    ['1ib', '"1ib" is not a size'],
    ['1gg', '"1gg" is not a size'],
    ['1gbb', '"1gbb" is not a size'],
    ['1bb', '"1bb" is not a size'],
    ['1mib ', '"1mib " is not a size'],
    ['1  k', '"1  k" is not a size'],
    ['1.5.5g', '"1.5.5g" is not a size'],
    ['-1.5g', '"-1.5g" is not a size'],
    ['-1k', '"-1k" is not a size'],
    [-1.5, '"-1.5" is not a size'],
    ['1,5g', '"1,5g" is not a size'],
  ])('rejects %j', (input, message) => {
    expect(parseBytes(input)).toEqual({ ok: false, message, hint: HINT });
  });
});
