// berthd stamps log lines as dockerd does (RFC 3339 in UTC, nine fraction digits, "Z"), whatever offset conmon
// wrote the record with.
import { describe, expect, it } from 'vitest';
import { dockerLogTime } from '../../src/engine/api/routes/containers.js';

describe('log time stamps', () => {
  it('a UTC record with an offset of +00:00 is stamped with Z and nine fraction digits', () => {
    expect(dockerLogTime('2026-12-03T16:25:36.696184358+00:00')).toBe('2026-12-03T16:25:36.696184358Z');
    expect(dockerLogTime('2026-12-03T16:25:36.5+00:00')).toBe('2026-12-03T16:25:36.500000000Z');
  });
  it('a record in another offset is turned into UTC', () => {
    expect(dockerLogTime('2026-12-03T17:25:36.000000001+01:00')).toBe('2026-12-03T16:25:36.000000001Z');
  });
  it('text that is no time is kept as it is', () => {
    expect(dockerLogTime('yesterday')).toBe('yesterday');
  });
});
