// The command line of watch: `berth watch` refuses a stack with nothing to watch before it starts anything,
// `up --watch` refuses --detach, and on berthd `berth up --watch` brings the stack up, syncs a saved file into
// the container while attached, and ends when interrupted; plain `up` says once how to start watching.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRunc } from './engines.js';
import { projectDir, runCli } from './run-cli.js';
import type { StackEngine } from './stack-engine.js';
import { serviceContainers, startStackEngine } from './stack-engine.js';

describe('berth watch: refusals', () => {
  it('must refuse a stack without develop.watch, with a hint, before reaching an engine', async () => {
    using p = projectDir({ 'compose.yaml': 'services:\n  web:\n    image: x\n' });
    const r = await runCli(['watch'], { cwd: p.dir, env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[CLI_WATCH_NOTHING]');
    expect(r.stderr).toContain('hint: add a "develop: watch:" section');
  });

  it('must refuse rebuild on a service that is not built', async () => {
    using p = projectDir({
      'compose.yaml':
        'services:\n  web:\n    image: x\n    develop:\n      watch:\n        - {action: rebuild, path: .}\n',
    });
    const r = await runCli(['watch', '--no-up'], { cwd: p.dir, env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[CLI_WATCH_REBUILD_NO_BUILD]');
  });

  it('up --watch must refuse --detach', async () => {
    using p = projectDir({ 'compose.yaml': 'services:\n  web:\n    image: x\n' });
    const r = await runCli(['up', '--watch', '-d'], { cwd: p.dir, env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[CLI_FLAG_CONFLICT]');
  });
});

const STACK = `
services:
  web:
    image: \${IMAGE}
    command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']
    develop:
      watch:
        - {action: sync, path: ./src, target: /app}
`;

describe.runIf(hasRunc)('berth up --watch on berthd', () => {
  let e: StackEngine;
  beforeAll(async () => {
    e = await startStackEngine('upwatch', STACK);
    mkdirSync(join(e.dir, 'src'));
  }, 120_000);
  afterAll(async () => e?.close(), 120_000);

  it('plain up must say once how to start watching', async () => {
    const r = await e.berth('up', '-d');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('berth up --watch').length - 1).toBe(1);
  });

  it('up --watch must sync a saved file while attached, and end on interrupt', async () => {
    const stop = new AbortController();
    const running = e.berthBytes(['up', '--watch'], undefined, stop.signal);
    const [web] = await serviceContainers(e, 'web');
    const read = async (): Promise<string> => {
      const r = await e.berth('exec', '-T', 'web', 'sh', '-c', 'cat /app/hello.txt 2>/dev/null; true');
      return r.stdout;
    };
    // The watch starts after up has applied; write until a sync has carried the file.
    await expect
      .poll(
        async () => {
          writeFileSync(join(e.dir, 'src/hello.txt'), 'from up --watch');
          return read();
        },
        { timeout: 30_000, interval: 300 },
      )
      .toBe('from up --watch');
    stop.abort();
    const done = await running;
    expect(done.out.toString()).toContain('⦿ watching web (1 rule); Ctrl-C to stop');
    expect(done.out.toString()).toContain('⦿ synced');
    expect(web?.Id).toBeDefined();
  }, 90_000);
});
