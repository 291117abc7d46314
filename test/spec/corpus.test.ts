// Conformance: every Compose file of ../shared/corpus loads or fails as corpus/expect.tsv says (see SOURCES.md):
// valid -> loads; invalid -> fails with an error located at file:line:column; any -> either, but never a crash.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBerthError } from '../../src/errors.js';
import { readStack } from '../../src/spec/read.js';

const corpus = resolve(process.env.BERTH_CORPUS ?? join(import.meta.dirname, '../../../shared/corpus'));

function verdict(file: string, expected: string): string | undefined {
  const dir = dirname(file);
  let ok: boolean;
  let located = false;
  try {
    const { result } = readStack({
      files: [basename(file)],
      envFiles: [],
      cwd: dir,
      env: { HOME: '/root' },
      readStdin: () => '',
    });
    ok = result.ok;
    if (!result.ok) located = result.errors.some((e) => e.at !== undefined && e.at.line >= 1 && e.at.column >= 1);
  } catch (e) {
    if (!isBerthError(e)) return `crashed: ${String(e)}`;
    ok = false;
  }
  if (expected === 'valid' && !ok) return 'rejected a valid file';
  if (expected === 'invalid' && ok) return 'accepted an invalid file';
  if (!ok && !located && expected !== 'valid') return 'rejected without a file:line:column';
  return undefined;
}

describe('the public Compose corpus', () => {
  it('every file loads or fails as corpus/expect.tsv says', () => {
    expect(existsSync(join(corpus, 'expect.tsv')), `corpus not found at ${corpus}`).toBe(true);
    const rows = readFileSync(join(corpus, 'expect.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.split('\t') as [string, string]);
    expect(rows.length).toBeGreaterThan(200);
    const failures: string[] = [];
    for (const [file, expected] of rows) {
      const problem = verdict(join(corpus, file), expected);
      if (problem) failures.push(`${file} (${expected}): ${problem}`);
    }
    expect(failures).toEqual([]);
  });
});
