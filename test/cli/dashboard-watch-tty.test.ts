// `berth watch` and `berth up --watch` on a terminal draw the dashboard: a save shows as the latest sync with its latency, under the
// service's row; `q` ends the watch and stops the stack it started. berth runs as a process (bin/berth.js, so
// `npm run build` first) in a tmux session of its own, on a berthd of the test's own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEngine } from './stack-engine.js';
import { serviceContainers, startStackEngine } from './stack-engine.js';
import type { TmuxSession } from './tmux.js';
import { hasTmux, tmuxSession, until } from './tmux.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'berth.js');
const ready =
  spawnSync('runc', ['--version']).status === 0 &&
  hasTmux &&
  existsSync(join(import.meta.dirname, '..', '..', 'dist', 'berth.cjs'));

const STACK = `
services:
  web:
    build:
      context: ./web
      args:
        BASE: '\${IMAGE}'
    image: '\${IMAGE}-web'
    command: ['sh', '-c', 'echo web-watching; sleep 3600']
    stop_grace_period: 0s
    develop:
      watch:
        - {action: sync, path: ./src, target: /app}
`;

describe.runIf(ready).each([{ command: ['watch'] }, { command: ['up', '--watch'] }])(
  'the dashboard of berth $command in a terminal',
  ({ command }) => {
    let e: StackEngine;
    let tty: TmuxSession | undefined;
    const screen = (): Promise<string> => (tty as TmuxSession).screen();

    beforeAll(async () => {
      e = await startStackEngine(`dash${command.join('').replace(/-/g, '')}`, STACK);
      mkdirSync(join(e.dir, 'src'));
      mkdirSync(join(e.dir, 'web'));
      writeFileSync(join(e.dir, 'web', 'Dockerfile'), 'ARG BASE\nFROM $BASE\nLABEL version=1\n');
      writeFileSync(join(e.dir, 'src', 'index.html'), 'v1');
      const env = Object.entries(e.env).map(([k, v]) => `export ${k}='${v}'`);
      const lines = [
        ...env,
        `node '${BIN}' -p ${e.project} ${command.join(' ')}`,
        'echo "berth exited $?"',
        'sleep 60',
      ];
      tty = await tmuxSession(`berth-dash${command.join('').replace(/-/g, '')}-${process.pid}`, e.dir, lines);
    }, 90_000);

    afterAll(async () => {
      await tty?.close();
      await e?.close();
    }, 60_000);

    it('shows the service and, after a save, the sync with its latency', async () => {
      await until('the web row running', async () =>
        /› web\s+\S+web-1\s+running/.test(await screen()) ? true : undefined,
      );
      // The watchers are ready a moment after the row shows: save until a sync is seen.
      const text = await until('a sync line', async () => {
        writeFileSync(join(e.dir, 'src', 'index.html'), `v${Date.now()}`);
        await new Promise((r) => setTimeout(r, 300));
        const s = await screen();
        return /⦿ synced 1 file to \S+web-1 in \d+ ms/.test(s) ? s : undefined;
      });
      expect(text).toContain('r restart');
    }, 60_000);

    it('b rebuilds the selected service and recreates its container', async () => {
      const before = (await serviceContainers(e, 'web'))[0]?.Id;
      writeFileSync(join(e.dir, 'web', 'Dockerfile'), 'ARG BASE\nFROM $BASE\nLABEL version=2\n');
      await tty?.keys('b');
      await until(
        'the rebuilt notice',
        async () => ((await screen()).includes('rebuilt and recreated web') ? true : undefined),
        90_000,
      );
      const after = await serviceContainers(e, 'web');
      expect(after).toHaveLength(1);
      expect(after[0]?.Id).not.toBe(before);
      expect(after[0]?.State).toBe('running');
      // The rebuild's own output does not draw over the dashboard.
      expect(await screen()).not.toContain('LABEL version=2');
      await until('the new container running on screen', async () =>
        /› web\s+\S+web-1\s+running/.test(await screen()) ? true : undefined,
      );
    }, 120_000);

    it('q ends watch and stops the stack it started', async () => {
      await tty?.keys('q');
      await until('berth to exit', async () => ((await screen()).includes('berth exited 0') ? true : undefined)).catch(
        async (err: unknown) => {
          throw new Error(`${String(err)}\n${await screen()}`);
        },
      );
      expect((await serviceContainers(e, 'web'))[0]?.State).toBe('exited');
    }, 60_000);
  },
);
