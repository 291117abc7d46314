import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/spec/syntax/duration.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['-0', 0],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['5.s', 5_000],
    ['+5s', 5_000],
    ['300ms', 300],
    ['10us', 0.01],
    ['10µs', 0.01],
    ['10μs', 0.01],
    ['1500ns', 0.0015],
    ['2h45m10.5s', 9_910_500],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1h0m0s', 3_600_000],
    ['0.1h', 360_000],
  ])('reads %j as %j ms', (input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: ms });
  });

  it.each([
    ['30', '"30" is not a duration', 'add a unit, e.g. "30s"'],
    ['1.5', '"1.5" is not a duration', 'add a unit, e.g. "1.5s"'],
    ['1h30', '"1h30" is not a duration', 'use numbers with units (ns, us, ms, s, m, h, d, w), e.g. "1m30s" or "1.5s"'],
    ['', '"" is not a duration', 'use numbers with units (ns, us, ms, s, m, h, d, w), e.g. "1m30s" or "1.5s"'],
    ['10 s', '"10 s" is not a duration', 'use numbers with units (ns, us, ms, s, m, h, d, w), e.g. "1m30s" or "1.5s"'],
    ['1y', '"1y" is not a duration', 'use numbers with units (ns, us, ms, s, m, h, d, w), e.g. "1m30s" or "1.5s"'],
    ['.s', '".s" is not a duration', 'use numbers with units (ns, us, ms, s, m, h, d, w), e.g. "1m30s" or "1.5s"'],
    ['1S', '"1S" is not a duration', 'use numbers with units (ns, us, ms, s, m, h, d, w), e.g. "1m30s" or "1.5s"'],
    ['-', '"-" is not a duration', 'use numbers with units (ns, us, ms, s, m, h, d, w), e.g. "1m30s" or "1.5s"'],
    [
      '3000000h',
      '"3000000h" is not a duration',
      'use numbers with units (ns, us, ms, s, m, h, d, w), e.g. "1m30s" or "1.5s"',
    ],
    ['-5s', '"-5s" is a negative duration', 'durations must be 0 or more'],
  ])('rejects %j', (input, message, hint) => {
    expect(parseDuration(input)).toEqual({ ok: false, message, hint });
  });

  // the Compose schema types durations as strings: a YAML number is refused, even 0
  it.each([
    [30, '"30" is not a duration', 'write it as a string with a unit, e.g. "30s"'],
    [0, '"0" is not a duration', 'write it as a string with a unit, e.g. "0s"'],
  ])('rejects the number %j', (input, message, hint) => {
    expect(parseDuration(input)).toEqual({ ok: false, message, hint });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.000001, '1ns'],
    [0.0015, '1.5µs'],
    [0.01, '10µs'],
    [1, '1ms'],
    [500, '500ms'],
    [1.25, '1.25ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [60_000, '1m0s'],
    [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'],
    [9_910_500, '2h45m10.5s'],
    [86_400_000, '24h0m0s'],
    [-1_500, '-1.5s'],
  ])('formats %j ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each(['1h30m', '1.5s', '300ms', '10us', '2h45m10.5s', '1w'])('round-trips %j', (input) => {
    const parsed = parseDuration(input);
    expect(parsed.ok && parseDuration(formatDuration(parsed.value))).toEqual(parsed);
  });
});
