// The pure parts of berthd's input checks: API versions, Unix-time query values, filters and JSON nesting.
import { describe, expect, it } from 'vitest';
import { checkApiVersion, compareApiVersions } from '../../src/engine/api/api-version.js';
import { unixTimeParam } from '../../src/engine/api/query-time.js';
import { checkDepth } from '../../src/engine/api/request-body.js';
import { parseFilters } from '../../src/engine/filters.js';

const query = (text: string): URLSearchParams => new URLSearchParams(text);

describe('API version in the path', () => {
  it('must compare minor versions as numbers', () => {
    expect(compareApiVersions('1.9', '1.10')).toBeLessThan(0);
    expect(compareApiVersions('1.41', '1.41')).toBe(0);
  });

  it('must accept none and every version from 1.24 to 1.41, and refuse others in dockerd words', () => {
    for (const v of [undefined, '1.24', '1.30', '1.41']) expect(() => checkApiVersion(v)).not.toThrow();
    expect(() => checkApiVersion('1.42')).toThrow(
      'client version 1.42 is too new. Maximum supported API version is 1.41',
    );
    expect(() => checkApiVersion('1.9')).toThrow(
      'client version 1.9 is too old. Minimum supported API version is 1.24',
    );
  });
});

describe('since and until', () => {
  it('must read Unix seconds with an optional fraction, and treat absent or empty as unset', () => {
    expect(unixTimeParam(query('since=1700000000'), 'since')).toBe(1700000000);
    expect(unixTimeParam(query('since=1700000000.5'), 'since')).toBe(1700000000.5);
    expect(unixTimeParam(query('since='), 'since')).toBeUndefined();
    expect(unixTimeParam(query(''), 'until')).toBeUndefined();
  });

  it('must refuse anything else with ENGINE_BAD_TIME naming the parameter', () => {
    for (const bad of ['abc', '10m', '2024-01-01', '1e3', '9'.repeat(20)]) {
      expect(() => unixTimeParam(query(`until=${bad}`), 'until')).toThrow(
        expect.objectContaining({ code: 'ENGINE_BAD_TIME', message: expect.stringContaining('"until"') }),
      );
    }
  });
});

describe('filters', () => {
  it('must take lists and maps of booleans, and null as no filter', () => {
    expect(parseFilters('{"label":["a=b"],"status":{"running":true,"exited":false}}')).toEqual(
      new Map([
        ['label', ['a=b']],
        ['status', ['running']],
      ]),
    );
    expect(parseFilters('null').size).toBe(0);
  });

  it('must refuse other shapes with ENGINE_BAD_FILTER', () => {
    for (const bad of ['[1]', '"x"', '{"label":"x"}', '{"label":[1]}', '{"label":{"a":"yes"}}', 'label']) {
      expect(() => parseFilters(bad)).toThrow(expect.objectContaining({ code: 'ENGINE_BAD_FILTER' }));
    }
  });
});

describe('JSON nesting', () => {
  it('must count brackets outside strings only, escaped quotes included', () => {
    expect(() => checkDepth('{"a":"[[[[[[\\"[[[[["}', 2)).not.toThrow();
    expect(() => checkDepth('[[[]]]', 3)).not.toThrow();
    expect(() => checkDepth('[[[[]]]]', 3)).toThrow('nests deeper than 3 levels');
  });
});
