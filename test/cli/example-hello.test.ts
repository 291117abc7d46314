// examples/hello, as the README and ./setup.sh run it, on a berthd of the test's own: the busybox image made by
// scripts/busybox-image.mjs, web's image built from web/Dockerfile by `up`, the page served on a published port.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { RawEngineApi } from '../client/raw-engine-api.js';
import { freePort, httpAnswer } from './loopback.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);
const hasTools = spawnSync('runc', ['--version']).status === 0;
const repo = join(import.meta.dirname, '..', '..');

describe.runIf(hasTools)('examples/hello on the built-in engine', () => {
  let daemon: Berthd | undefined;
  let dir: string;
  let env: Record<string, string>;
  const project = `berth-example-${process.pid}`;
  const berth = (...args: string[]): ReturnType<typeof runCli> =>
    runCli(['-p', project, '--project-directory', join(repo, 'examples', 'hello'), ...args], { cwd: repo, env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-example-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    env = { BERTH_SOCKET: daemon.socket, BERTH_ROOT: daemon.root, WEB_PORT: String(await freePort()) };
    await run(process.execPath, [join(repo, 'scripts', 'busybox-image.mjs'), 'busybox:latest'], {
      env: { ...process.env, BERTH_SOCKET: daemon.socket },
    });
  }, 60_000);

  afterAll(async () => {
    try {
      await berth('down', '-v', '-t', '1', '--rmi', 'local');
    } finally {
      await daemon?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('up -d builds web, starts the stack, and the page answers; a second up changes nothing', async () => {
    const up = await berth('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('Building web');
    const page = await httpAnswer(Number(env.WEB_PORT), (b) => b.includes('hello from berth'));
    expect(page).toContain('hello from berth');
    const client = new RawEngineApi(daemon?.socket ?? '');
    try {
      expect(await client.find(`/images/${project}-web/json`)).toBeDefined();
    } finally {
      client.close();
    }
    const again = await berth('up', '-d');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('Building');
    expect(again.stderr).not.toMatch(/Recreate|Creating/);
  }, 120_000);
});
