// Docker's duration wording (go-units HumanDuration) at each of its boundaries.
import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../src/cli/human-duration.js';
import { createdAgo } from '../../src/cli/commands/ps.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration words durations as docker ps does', () => {
  it.each([
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [1 * S, '1 second'],
    [2 * S, '2 seconds'],
    [59 * S + 999, '59 seconds'],
    [60 * S, 'About a minute'],
    [119 * S, 'About a minute'],
    [2 * M, '2 minutes'],
    [59 * M, '59 minutes'],
    [60 * M, 'About an hour'],
    [89 * M, 'About an hour'],
    [90 * M, '2 hours'],
    [47 * H, '47 hours'],
    [47 * H + 30 * M, '2 days'],
    [13 * D, '13 days'],
    [14 * D, '2 weeks'],
    [59 * D, '8 weeks'],
    [60 * D, '2 months'],
    [729 * D, '24 months'],
    [730 * D, '2 years'],
  ])('%i ms: %s', (ms, words) => {
    expect(humanDuration(ms)).toBe(words);
  });
});

describe("ps's CREATED column", () => {
  it('says "About a minute ago", never "1 minutes ago", and a clock skew is "Less than a second ago"', () => {
    const now = 1_700_000_000_000;
    const created = (msAgo: number): number => (now - msAgo) / 1000;
    expect(createdAgo(created(61 * S), now)).toBe('About a minute ago');
    expect(createdAgo(created(3 * M), now)).toBe('3 minutes ago');
    expect(createdAgo(created(-5 * S), now)).toBe('Less than a second ago');
    for (let ms = 0; ms < 3 * H; ms += 7 * S) expect(createdAgo(created(ms), now)).not.toMatch(/^1 \w+s ago$/);
  });
});
