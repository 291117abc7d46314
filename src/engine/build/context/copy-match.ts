// COPY and ADD wildcards: Go's filepath.Match (`*`, `?`, `[a-z]`, `[^a]`, `\` escapes), applied per path
// segment to the source tree as moby's copyWithWildcards walks it (no symlinked folders entered).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Docker's containsWildcards: an unescaped `*`, `?` or `[`. */
export function hasWildcards(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

/** One path segment's pattern as a RegExp, or null when Go would report ErrBadPattern (which matches nothing). */
export function segmentPattern(segment: string): RegExp | null {
  const chars = Array.from(segment);
  let source = '^';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '\\') {
      if (++i >= chars.length) return null;
      source += literal(chars[i] as string);
    } else if (ch === '[') {
      const parsed = parseClass(chars, i + 1);
      if (parsed === null) return null;
      source += parsed.source;
      i = parsed.end;
    } else source += literal(ch);
  }
  return new RegExp(`${source}$`, 'su');
}

/** A `[...]` class from `start` (just after `[`): its RegExp source and the index of its `]`. */
function parseClass(chars: string[], start: number): { source: string; end: number } | null {
  let i = start;
  const negated = chars[i] === '^';
  if (negated) i++;
  const ranges: string[] = [];
  let first = true;
  for (;;) {
    if (i >= chars.length) return null;
    if (chars[i] === ']' && !first) break;
    first = false;
    const lo = classChar(chars, i);
    if (lo === null) return null;
    i = lo.next;
    let hi = lo;
    if (chars[i] === '-') {
      const upper = classChar(chars, i + 1);
      if (upper === null) return null;
      hi = upper;
      i = upper.next;
    }
    const [a, b] = [lo.ch.codePointAt(0) as number, hi.ch.codePointAt(0) as number];
    if (a <= b) ranges.push(`${code(a)}-${code(b)}`); // Go accepts an inverted range, which matches nothing
  }
  const body = ranges.join('');
  if (body === '') return { source: negated ? '[\\s\\S]' : '(?!)', end: i };
  return { source: `[${negated ? '^' : ''}${body}]`, end: i };
}

function classChar(chars: string[], i: number): { ch: string; next: number } | null {
  const ch = chars[i];
  if (ch === undefined || ch === '-' || ch === ']') return null;
  if (ch !== '\\') return { ch, next: i + 1 };
  const escaped = chars[i + 1];
  return escaped === undefined ? null : { ch: escaped, next: i + 2 };
}

function literal(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); // `-` may not be escaped outside a class in `u` mode
}

function code(point: number): string {
  return `\\u{${point.toString(16)}}`;
}

/**
 * The paths under `root` (relative, `/`-separated, in walk order: depth first, names sorted) that `pattern`
 * matches segment by segment. Only real folders are entered; the last segment matches any kind of entry.
 */
export async function expandWildcards(root: string, pattern: string): Promise<string[]> {
  const segments = pattern.split('/').map(segmentPattern);
  if (segments.some((s) => s === null)) return [];
  const out: string[] = [];
  await expand(root, '', segments as RegExp[], out);
  return out;
}

async function expand(host: string, rel: string, segments: RegExp[], out: string[]): Promise<void> {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const names = (await readdir(host)).sort();
  for (const name of names) {
    if (!head.test(name)) continue;
    const childRel = rel === '' ? name : `${rel}/${name}`;
    if (rest.length === 0) out.push(childRel);
    else if ((await lstat(join(host, name))).isDirectory()) await expand(join(host, name), childRel, rest, out);
  }
}
