// The obligations of issue 16 on real stacks: the examples and every `valid` file of the public Compose corpus
// convert with zero errors against the Kubernetes 1.33 schema (unknown fields included), and every key they
// cannot translate is named by a Compose path that exists in the loaded stack.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertToKubernetes } from '../../src/convert/kubernetes/convert.js';
import type { Conversion } from '../../src/convert/kubernetes/types.js';
import type { Stack } from '../../src/spec/model.js';
import { readStack } from '../../src/spec/read.js';
import { schemaErrors } from './helpers.js';

const repo = join(import.meta.dirname, '..', '..');
const corpus = resolve(process.env.BERTH_CORPUS ?? join(repo, '../shared/corpus'));
const ENV = { HOME: '/root' };

function readIfPresent(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function loadFile(file: string): Stack {
  const { result } = readStack({
    files: [basename(file)],
    envFiles: [],
    cwd: dirname(file),
    env: ENV,
    readStdin: () => '',
  });
  if (!result.ok) throw new Error(`${file} does not load: ${JSON.stringify(result.errors)}`);
  return result.stack;
}

const convert = (stack: Stack): Conversion => convertToKubernetes({ stack, env: ENV, readFile: readIfPresent });

/**
 * Whether a Compose path ("services.web.ports[1].host_ip", "services.a.labels.com.example.x") names a value of
 * the stack. Keys may hold dots, so each step takes the longest key that the rest of the path starts with.
 */
export function resolvesIn(root: unknown, path: string): boolean {
  let node = root;
  let rest = path;
  while (rest !== '') {
    const index = /^\[(\d+)\]\.?/.exec(rest);
    if (index) {
      if (!Array.isArray(node) || Number(index[1]) >= node.length) return false;
      node = node[Number(index[1])];
      rest = rest.slice(index[0].length);
      continue;
    }
    if (node === null || typeof node !== 'object') return false;
    const key = Object.keys(node)
      .filter((k) => rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`))
      .sort((a, b) => b.length - a.length)[0];
    if (key === undefined) return false;
    node = (node as Record<string, unknown>)[key];
    rest = rest.slice(key.length).replace(/^\./, '');
  }
  return true;
}

/** Problems of one conversion: schema errors, and untranslated entries whose path names nothing. */
function problems(stack: Stack, conversion: Conversion): string[] {
  const unnamed = conversion.untranslated
    .filter((u) => u.path === '' || !resolvesIn(stack, u.path) || u.reason === '')
    .map((u) => `untranslated entry without a path of the stack: ${JSON.stringify(u)}`);
  return [...schemaErrors(conversion), ...unnamed];
}

describe('kubernetes conversion of real stacks', () => {
  for (const example of ['hello', 'angular-laravel-mysql']) {
    it(`examples/${example} converts to valid objects`, () => {
      const stack = loadFile(join(repo, 'examples', example, 'compose.yaml'));
      const conversion = convert(stack);
      expect(problems(stack, conversion)).toEqual([]);
      const kinds = conversion.objects.map((o) => o.kind);
      expect(kinds).toContain('StatefulSet'); // both examples keep a database on a named volume
      expect(kinds).toContain('PersistentVolumeClaim');
      expect(kinds).toContain('NetworkPolicy');
    });
  }

  it('every valid file of the public corpus converts to valid objects or names what it cannot translate', () => {
    expect(existsSync(join(corpus, 'expect.tsv')), `corpus not found at ${corpus}`).toBe(true);
    const valid = readFileSync(join(corpus, 'expect.tsv'), 'utf8')
      .split('\n')
      .map((l) => l.split('\t'))
      .filter(([, verdict]) => verdict === 'valid')
      .map(([file]) => join(corpus, file as string));
    expect(valid.length).toBeGreaterThan(150);
    const failures: string[] = [];
    let objects = 0;
    let untranslated = 0;
    for (const file of valid) {
      const stack = loadFile(file);
      const conversion = convert(stack);
      objects += conversion.objects.length;
      untranslated += conversion.untranslated.length;
      failures.push(...problems(stack, conversion).map((p) => `${file}: ${p}`));
    }
    expect(failures).toEqual([]);
    expect(objects).toBeGreaterThan(valid.length); // every stack makes objects, not only warnings
    expect(untranslated).toBeGreaterThan(0);
  });

  it('the path check rejects a path that names nothing (so the assertion above can fail)', () => {
    const stack = loadFile(join(repo, 'examples', 'hello', 'compose.yaml'));
    expect(resolvesIn(stack, 'services.web.build')).toBe(true);
    expect(resolvesIn(stack, 'services.web.ports[0].target')).toBe(true);
    expect(resolvesIn(stack, 'services.web.ports[3]')).toBe(false);
    expect(resolvesIn(stack, 'services.nope.image')).toBe(false);
  });
});
