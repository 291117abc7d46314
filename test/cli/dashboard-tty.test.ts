// The dashboard in a real pseudo-terminal: attached `berth up` runs as a process (bin/berth.js, so `npm run build`
// first) in a tmux session of its own, on a berthd of the test's own; the screen is read back with capture-pane.
// It shows a row per service with its state and last log line; `r` restarts the selected container (its StartedAt
// moves on the engine); `q` stops the stack and ends berth with 0.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEngine } from './stack-engine.js';
import type { TmuxSession } from './tmux.js';
import { hasTmux, tmuxSession, until } from './tmux.js';
import { serviceContainers, startStackEngine } from './stack-engine.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'berth.js');
const ready =
  spawnSync('runc', ['--version']).status === 0 &&
  hasTmux &&
  existsSync(join(import.meta.dirname, '..', '..', 'dist', 'berth.cjs'));

const STACK = `
services:
  web:
    image: \${IMAGE}
    command: ['sh', '-c', 'echo web-says-hello; sleep 3600']
    stop_grace_period: 0s
  db:
    image: \${IMAGE}
    command: ['sh', '-c', 'echo db-is-up; sleep 3600']
    stop_grace_period: 0s
`;

// Records which of ink, react and bin/import-esm.js (the bundle's door to them) the process loaded.
const PROBE = `
const Module = require('node:module');
const seen = new Set();
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/import-esm|^ink$|^react$/.test(request)) seen.add(request);
  return load.call(this, request, ...rest);
};
process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_OUT, [...seen].sort().join(',')));
`;

describe.runIf(ready)('the live dashboard in a terminal', () => {
  let e: StackEngine;
  let tty: TmuxSession | undefined;
  const screen = (): Promise<string> => (tty as TmuxSession).screen();
  const startedAt = async (service: string): Promise<string> => {
    const [c] = await serviceContainers(e, service);
    const details = await e.client.call<{ State: { StartedAt: string; Status: string } }>(
      'GET',
      `/containers/${c?.Id}/json`,
    );
    return `${details.State.Status} ${details.State.StartedAt}`;
  };

  beforeAll(async () => {
    e = await startStackEngine('dash', STACK);
    const env = Object.entries(e.env).map(([k, v]) => `export ${k}='${v}'`);
    // The exit code stays on the screen so that the test can read it after berth has ended.
    // The same probe as `berth ps` below: it records whether ink was loaded, so that probe is seen to work.
    writeFileSync(join(e.dir, 'probe.cjs'), PROBE);
    env.push(`export NODE_OPTIONS='-r ${join(e.dir, 'probe.cjs')}' LOADED_OUT='${join(e.dir, 'up-loaded.txt')}'`);
    const lines = [...env, `node '${BIN}' -p ${e.project} up`, 'echo "berth exited $?"', 'sleep 60'];
    tty = await tmuxSession(`berth-dash-${process.pid}`, e.dir, lines);
  }, 90_000);

  afterAll(async () => {
    await tty?.close();
    await e?.close();
  }, 60_000);

  it('shows one row per service with its state and last log line', async () => {
    const text = await until('both rows running', async () => {
      const s = await screen();
      return /› db\s+\S+db-1\s+running/.test(s) && /web\s+\S+web-1\s+running/.test(s) && s.includes('web-says-hello')
        ? s
        : undefined;
    });
    expect(text).toMatch(/SERVICE\s+CONTAINER\s+STATE\s+HEALTH\s+PORTS\s+RESTARTS\s+IMAGE\s+LAST LOG/);
    expect(text).toContain('db-is-up');
    expect(text).toContain('r restart');
  }, 60_000);

  it('r restarts the selected container on the engine', async () => {
    const before = await startedAt('db');
    await tty?.keys('r');
    const after = await until('a new StartedAt of db', async () => {
      const now = await startedAt('db');
      return now !== before && now.startsWith('running') ? now : undefined;
    });
    expect(after).not.toBe(before);
    expect(await until('the notice', async () => ((await screen()).includes('restarted') ? true : undefined))).toBe(
      true,
    );
    // web was not touched
    expect((await serviceContainers(e, 'web'))[0]?.State).toBe('running');
  }, 60_000);

  it("l follows the selected container's log, Esc goes back to the services", async () => {
    await tty?.keys('l');
    const logs = await until('the log view', async () => {
      const s = await screen();
      return /logs of \S+-db-1/.test(s) ? s : undefined;
    });
    expect(logs).toContain('db-is-up');
    expect(logs).not.toContain('web-says-hello');
    await tty?.keys('Escape');
    await until('the table again', async () => ((await screen()).includes('SERVICE') ? true : undefined));
  }, 60_000);

  it('q stops the stack and berth exits with 0', async () => {
    await tty?.keys('q');
    await until('berth to exit', async () => ((await screen()).includes('berth exited 0') ? true : undefined));
    for (const service of ['web', 'db']) expect((await serviceContainers(e, service))[0]?.State).toBe('exited');
  }, 60_000);

  it('ink is loaded only when the dashboard draws: not by `berth ps`', async () => {
    expect(readFileSync(join(e.dir, 'up-loaded.txt'), 'utf8')).toBe('../bin/import-esm.js,react');
    const out = join(e.dir, 'ps-loaded.txt');
    const ps = await run('node', ['-r', join(e.dir, 'probe.cjs'), BIN, '-p', e.project, 'ps', '-a'], {
      cwd: e.dir,
      env: { ...process.env, ...e.env, LOADED_OUT: out },
    });
    expect(ps.stdout).toContain('db-1');
    expect(readFileSync(out, 'utf8')).toBe('');
  }, 60_000);
});
