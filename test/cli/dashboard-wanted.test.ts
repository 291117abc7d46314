// When attached `up` draws the dashboard, and when it prints plain lines as before.
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { dashboardWanted } from '../../src/cli/dashboard/wanted.js';

const ctx = (tty: boolean, env: Record<string, string> = {}): CliContext => ({
  cwd: '/',
  env,
  isTTY: tty,
  stdout: () => undefined,
  stderr: () => undefined,
  readStdin: () => '',
});
const withTtyStdin = (c: CliContext, tty: boolean): CliContext => ({
  ...c,
  stdio: { stdin: { isTTY: tty } as unknown as NodeJS.ReadableStream, stdout: process.stdout, stderr: process.stderr },
});

describe('dashboardWanted', () => {
  const term = withTtyStdin(ctx(true), true);
  it('draws on a terminal with the tty progress display', () => {
    expect(dashboardWanted(term, {}, {})).toBe(true);
    expect(dashboardWanted(term, { progress: 'tty' }, {})).toBe(true);
  });
  it('prints plain lines when not a terminal, with --progress plain, --no-dashboard or --abort-on-container-exit', () => {
    expect(dashboardWanted(withTtyStdin(ctx(false), true), {}, {})).toBe(false);
    expect(dashboardWanted(withTtyStdin(ctx(true), false), {}, {})).toBe(false);
    expect(dashboardWanted(term, { progress: 'plain' }, {})).toBe(false);
    expect(dashboardWanted(withTtyStdin(ctx(true, { COMPOSE_PROGRESS: 'plain' }), true), {}, {})).toBe(false);
    expect(dashboardWanted(withTtyStdin(ctx(true, { TERM: 'dumb' }), true), {}, {})).toBe(false);
    expect(dashboardWanted(term, {}, { dashboard: false })).toBe(false);
    expect(dashboardWanted(term, {}, { abortOnExit: true })).toBe(false);
  });
  it('prints plain lines under CI, where ink would draw only its last frame; CI=0 or CI=false is not CI', () => {
    expect(dashboardWanted(withTtyStdin(ctx(true, { CI: 'true' }), true), {}, {})).toBe(false);
    expect(dashboardWanted(withTtyStdin(ctx(true, { CI: '' }), true), {}, {})).toBe(false);
    expect(dashboardWanted(withTtyStdin(ctx(true, { CONTINUOUS_INTEGRATION: '1' }), true), {}, {})).toBe(false);
    expect(dashboardWanted(withTtyStdin(ctx(true, { CI: '0' }), true), {}, {})).toBe(true);
    expect(dashboardWanted(withTtyStdin(ctx(true, { CI: 'false' }), true), {}, {})).toBe(true);
  });
});
