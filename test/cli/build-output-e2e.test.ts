// `berth build` on a berthd of its own: a RUN that prints half a line, waits, and ends the line is printed as one
// prefixed line, and its step says how long it took.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEngine } from './stack-engine.js';
import { startStackEngine } from './stack-engine.js';

const ready = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

const STACK = `
services:
  slow:
    build:
      context: ./slow
      args:
        BASE: '\${IMAGE}'
    image: '\${IMAGE}-slow'
`;

describe.runIf(ready)('build output', () => {
  let e: StackEngine;
  beforeAll(async () => {
    e = await startStackEngine('buildout', STACK);
    mkdirSync(join(e.dir, 'slow'));
    writeFileSync(
      join(e.dir, 'slow', 'Dockerfile'),
      "ARG BASE\nFROM $BASE\nRUN printf 'first half, '; sleep 1.5; printf 'second half\\n'\nCMD [\"true\"]\n",
    );
  }, 90_000);
  afterAll(async () => {
    await e?.close();
  }, 60_000);

  it('a line cut in two comes out whole with one prefix, and the long step prints its time', async () => {
    const r = await e.berth('build', 'slow');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('\n slow  first half, second half\n');
    expect(r.stderr).toMatch(/\n slow {2}Step 2\/3 done in \d+\.\d s\n slow {2}Step 3\/3 : CMD/);
    // Each line starts with the prefix once, none carries it in its middle.
    for (const line of r.stderr.split('\n').filter((l) => l.includes('half')))
      expect(line.match(/ slow {2}/g)).toHaveLength(1);
  }, 120_000);
});
