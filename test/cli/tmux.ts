// A command in a tmux session of its own (a real pseudo-terminal, 120x40), its screen read back with capture-pane,
// and `until` for what the screen or the engine must come to show. The session is killed by close().
// The script runs with CI and CONTINUOUS_INTEGRATION unset: under CI berth draws no dashboard (ink would draw only
// its last frame), and these tests are about the terminal a user sits at.
import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { until as pollUntil } from '../until.js';

const run = promisify(execFile);
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export interface TmuxSession {
  screen(): Promise<string>;
  keys(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Runs `lines` (a shell script, written to dir/name.sh) in a new detached session named `name`. */
export async function tmuxSession(name: string, dir: string, lines: string[]): Promise<TmuxSession> {
  const script = join(dir, `${name}.sh`);
  writeFileSync(script, ['unset CI CONTINUOUS_INTEGRATION', ...lines].join('\n'));
  await run('tmux', ['new-session', '-d', '-s', name, '-x', '120', '-y', '40', '-c', dir, `sh '${script}'`]);
  return {
    screen: async () => (lastScreen = (await run('tmux', ['capture-pane', '-p', '-t', name])).stdout),
    keys: async (...keys) => void (await run('tmux', ['send-keys', '-t', name, ...keys])),
    close: async () => void (await run('tmux', ['kill-session', '-t', name]).catch(() => undefined)),
  };
}

/** The last screen any session captured: a timed-out `until` shows it. */
let lastScreen = '';

/** `until` of test/until.ts, and a time-out shows the last screen. */
export function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  return pollUntil(what, probe, ms, () => `; the last screen captured:\n${lastScreen}`);
}
