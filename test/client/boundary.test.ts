// The engine boundary holds: no REST path, HTTP status or raw-transport call outside src/client and berthd
// (src/engine), and the planner takes only types from the client. Read from the source files themselves.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** What marks a file as talking HTTP to an engine rather than through EngineClient. */
const FORBIDDEN: ReadonlyArray<[string, RegExp]> = [
  ['a REST path', /['"`]\/(containers|images|networks|volumes|exec|events|build|info|version|_ping|v1\.\d+)\b/],
  ['an HTTP status', /\bstatusCode\b|\.status\s*[!=]==?\s*[1-5]\d\d\b|\bstatus\s*[<>]=?\s*[1-5]\d\d\b/],
  ['the old HTTP client', /\bEngineApiError\b|client\/engine-client|client\/hijack|\.(raw|call)\s*[(<]/],
  ['a socket request', /from 'node:http'|unixRequestOptions/],
];

/** The boundary's violations in one file's text: [line number, what]. */
export function violations(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may name the API they are about
    for (const [what, re] of FORBIDDEN) if (re.test(line)) out.push([i + 1, what]);
  });
  return out;
}

/** Files that speak HTTP to something that is not an engine, with the reason: file -> the rule it may break. */
const ALLOWED: Readonly<Record<string, string>> = {
  // fetches a Debian mirror's InRelease; a 404 there means an unknown suite
  'src/cli/bootstrap/bootstrap.ts': 'an HTTP status',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('the engine boundary', () => {
  it('the check finds what it looks for (a probe of each kind)', () => {
    const probe = [
      "await client.call('GET', '/containers/json');",
      'if (res.statusCode === 404) return;',
      'if (e.status === 409) throw e;',
      "if (row.status === 'failed') return;",
      "const r = await api(s, 'DELETE', `/images/${ref}`);",
      "import { request } from 'node:http';",
      '// a comment about /containers/{id}/wait is fine',
      'const c = list.find((x) => x.name === n);',
    ].join('\n');
    expect(violations(probe).map(([line]) => line)).toEqual([1, 1, 2, 3, 5, 6]);
  });

  it('must find no REST path, status code or raw call in src/cli, src/planner or src/spec', () => {
    const found = ['src/cli', 'src/planner', 'src/spec'].flatMap((dir) =>
      sourceFiles(join(ROOT, dir)).flatMap((file) =>
        violations(readFileSync(file, 'utf8'))
          .filter(([, what]) => ALLOWED[relative(ROOT, file)] !== what)
          .map(([line, what]) => `${relative(ROOT, file)}:${line}: ${what}`),
      ),
    );
    expect(found).toEqual([]);
  });

  it('the planner must import only types from src/client', () => {
    const found = sourceFiles(join(ROOT, 'src/planner')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*from '\.\.\/client\/[^']*';/gm)].map(
        (m) => `${relative(ROOT, file)}: ${m[0]}`,
      ),
    );
    expect(found).toEqual([]);
  });
});
