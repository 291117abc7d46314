// The README's examples run as written: every ```sh block that calls `berth` runs in order, each from the clone's
// folder, on a berthd of the test's own (BERTH_ROOT and BERTH_SOCKET in a temp folder, started by the README's own
// `berth engine start` or on first use), with `berth` on the PATH as the README tells the reader to put it, and a
// copy of examples/ so that the README's edits touch no file of the repository. Each command must exit 0; one whose
// comment says Ctrl-C runs for a few seconds and gets SIGINT. Uses the built CLI (bin/berth.js): `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawEngineApi } from '../client/raw-engine-api.js';
import { freePort } from './loopback.js';
import type { ReadmeCommand } from './readme-blocks.js';
import { readmeBlocks, splitComment } from './readme-blocks.js';

const repo = join(import.meta.dirname, '..', '..');
const hasTools = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;
const INTERRUPT_AFTER_MS = 3000;
const COMMAND_TIMEOUT_MS = 180_000;

interface Ran {
  code: number | null;
  signal: string | null;
  output: string;
  /** Still running when SIGINT was sent (commands the README says to stop with Ctrl-C). */
  interrupted: boolean;
}

/** Runs one line with bash in its own process group (so SIGINT reaches berth as a terminal's Ctrl-C would). */
function runLine(cmd: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', cmd.text], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let interrupted = false;
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const group = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // already gone
      }
    };
    const interrupt = cmd.interrupt
      ? setTimeout(() => {
          interrupted = true;
          group('SIGINT');
        }, INTERRUPT_AFTER_MS)
      : undefined;
    const timeout = setTimeout(() => {
      output += `\n[readme test: no exit after ${COMMAND_TIMEOUT_MS} ms, killed]`;
      group('SIGKILL');
    }, COMMAND_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(interrupt);
      clearTimeout(timeout);
      done({ code, signal, output, interrupted });
    });
  });
}

describe('readmeBlocks', () => {
  it('finds the blocks that call berth, with their skip reasons and Ctrl-C commands', () => {
    const text = [
      '```sh',
      './setup.sh   # no berth here',
      '```',
      '<!-- readme-test: skip (needs a registry) -->',
      '```sh',
      'berth pull   # pulls',
      '```',
      '```sh',
      'cd x',
      'A=1 berth logs -f a   # Ctrl-C to stop',
      "echo '#not a comment' # a comment",
      '```',
    ].join('\n');
    expect(readmeBlocks(text)).toEqual([
      { line: 5, skip: 'needs a registry', commands: [{ text: 'berth pull', line: 6, interrupt: false }] },
      {
        line: 8,
        commands: [
          { text: 'cd x', line: 9, interrupt: false },
          { text: 'A=1 berth logs -f a', line: 10, interrupt: true },
          { text: "echo '#not a comment'", line: 11, interrupt: false },
        ],
      },
    ]);
    expect(splitComment('curl -fsS http://127.0.0.1:${WEB_PORT:-18080}/   # port')).toEqual({
      code: 'curl -fsS http://127.0.0.1:${WEB_PORT:-18080}/   ',
      comment: ' port',
    });
  });
});

describe.runIf(hasTools)("the README's commands run as written", () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  const blocks = readmeBlocks(readFileSync(join(repo, 'README.md'), 'utf8'));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-readme-'));
    mkdirSync(join(work, 'bin'));
    // the README's `npm link` or alias, as a script on the PATH (an alias does not reach bash -c)
    writeFileSync(join(work, 'bin', 'berth'), `#!/bin/sh\nexec "${process.execPath}" "${repo}/bin/berth.js" "$@"\n`);
    chmodSync(join(work, 'bin', 'berth'), 0o755);
    cpSync(join(repo, 'examples'), join(work, 'examples'), { recursive: true });
    symlinkSync(join(repo, 'scripts'), join(work, 'scripts'));
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(DOCKER_|COMPOSE_|BERTH_)/.test(k)),
    );
    env = {
      ...clean,
      PATH: `${join(work, 'bin')}:${process.env.PATH ?? ''}`,
      BERTH_ROOT: join(work, 'root'),
      BERTH_SOCKET: join(work, 'run', 'berth.sock'),
      WEB_PORT: String(await freePort()),
      DOCKER_CONFIG: join(work, 'docker-config'),
    };
    // what ./setup.sh does before the README's first example: the engine, and the busybox image
    for (const text of ['berth engine start', 'node scripts/busybox-image.mjs']) {
      const r = await runLine({ text, line: 0, interrupt: false }, work, env);
      expect(r.code, r.output).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    if (!work) return;
    // everything the blocks may have left, then the engine: its containers would outlive it
    const socket = env.BERTH_SOCKET as string;
    const up = await runLine({ text: 'berth engine start', line: 0, interrupt: false }, work, env);
    if (up.code === 0) {
      const client = new RawEngineApi(socket);
      try {
        const left = await client.call<Array<{ Id: string }>>('GET', '/containers/json', { query: { all: 1 } });
        for (const c of left) await client.call('DELETE', `/containers/${c.Id}`, { query: { force: 1, v: 1 } });
        const nets = await client.call<Array<{ Name: string }>>('GET', '/networks');
        for (const n of nets.filter((x) => !['bridge', 'host', 'none'].includes(x.Name))) {
          await client.call('DELETE', `/networks/${n.Name}`);
        }
      } finally {
        client.close();
      }
    }
    const stop = await runLine({ text: 'berth engine stop', line: 0, interrupt: false }, work, env);
    expect(stop.code, stop.output).toBe(0);
    // only when nothing of berthd's is still mounted below the folder
    const mounts = readFileSync('/proc/self/mounts', 'utf8');
    if (!mounts.includes(work)) rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    else console.warn(`readme test: ${work} still has mounts; left in place`);
  }, 120_000);

  it('has runnable blocks', () => {
    expect(blocks.filter((b) => !b.skip).length).toBeGreaterThanOrEqual(2);
  });

  for (const block of blocks) {
    it.skipIf(block.skip !== undefined)(
      `README.md:${block.line}${block.skip ? ` (skipped: ${block.skip})` : ''}`,
      async () => {
        let cwd = work;
        for (const cmd of block.commands) {
          const cd = /^cd\s+(\S+)$/.exec(cmd.text);
          if (cd) {
            cwd = resolve(cwd, cd[1] as string);
            continue;
          }
          const r = await runLine(cmd, cwd, env);
          const what = `README.md:${cmd.line}: ${cmd.text}\n${r.output}`;
          expect(r.code, what).toBe(0);
          // a command to stop with Ctrl-C must still run when it gets it (logs -f follows)
          if (cmd.interrupt) expect(r.interrupted, what).toBe(true);
        }
      },
      600_000,
    );
  }
});
