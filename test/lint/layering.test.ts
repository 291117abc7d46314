// House style 3.1 as lint rules that fire: ESLint's Node API lints probe snippets as if they were files in
// src/spec and src/planner, and each forbidden thing (IO modules, process, the clock, timers, value imports from
// the engine client) must be reported; the one shell file per folder and type-only imports must not be.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

/** The rules that report `code` as the file `filePath`. */
async function firedRules(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const IMPORTS = '@typescript-eslint/no-restricted-imports';
const GLOBALS = 'no-restricted-globals';
const SYNTAX = 'no-restricted-syntax';

const forbidden: Array<[string, string, string]> = [
  ['node:fs', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", IMPORTS],
  ['bare fs', "import { readFileSync } from 'fs';\nexport const f = readFileSync;", IMPORTS],
  ['fs/promises', "import { readFile } from 'node:fs/promises';\nexport const f = readFile;", IMPORTS],
  ['child_process', "import { spawn } from 'node:child_process';\nexport const f = spawn;", IMPORTS],
  ['net', "import { connect } from 'node:net';\nexport const f = connect;", IMPORTS],
  ['http', "import { request } from 'node:http';\nexport const f = request;", IMPORTS],
  ['os', "import { hostname } from 'node:os';\nexport const f = hostname;", IMPORTS],
  ['process', 'export const home = process.env.HOME;', GLOBALS],
  ['Date.now', 'export const now = Date.now();', SYNTAX],
  ['new Date()', 'export const now = new Date();', SYNTAX],
  ['setTimeout', 'export const t = setTimeout(() => 0, 10);', GLOBALS],
  ['setInterval', 'export const t = setInterval(() => 0, 10);', GLOBALS],
  [
    'a value from the client',
    "import { EngineError } from '../client/errors.js';\nexport const E = EngineError;",
    IMPORTS,
  ],
];

describe.each(['src/planner/probe.ts', 'src/spec/probe.ts'])('the pure core rules in %s', (filePath) => {
  it.each(forbidden)('%s must be reported', async (_what, code, rule) => {
    expect(await firedRules(code, filePath)).toContain(rule);
  });

  it('type imports from the client, node:path and a Date of a given time must pass', async () => {
    const code = [
      "import type { EngineClient } from '../client/types.js';",
      "import { posix } from 'node:path';",
      'export const at = (c: EngineClient, ms: number): string => `${c.endpoint}${posix.sep}${new Date(ms).toISOString()}`;',
    ].join('\n');
    expect(await firedRules(code, filePath)).toEqual([]);
  });
});

describe('the layers', () => {
  it('spec must not import the planner, berthd or the CLI; the planner not the CLI or berthd', async () => {
    expect(await firedRules("export { planUp } from '../planner/plan.js';", 'src/spec/probe.ts')).toContain(IMPORTS);
    expect(
      await firedRules("import { x } from '../cli/main.js';\nexport const y = x;", 'src/planner/probe.ts'),
    ).toContain(IMPORTS);
    const berthd = "import { x } from '../engine/daemon/berthd.js';\nexport const y = x;";
    expect(await firedRules(berthd, 'src/planner/probe.ts')).toContain(IMPORTS);
  });

  it('the shell file of each folder may do IO: planner/apply.ts and spec/read.ts', async () => {
    const io = "import { readFileSync } from 'node:fs';\nexport const f = (): number => (readFileSync, Date.now());";
    expect(await firedRules(io, 'src/planner/apply.ts')).toEqual([]);
    expect(await firedRules(io, 'src/spec/read.ts')).toEqual([]);
  });
});
