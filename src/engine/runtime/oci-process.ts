// The argv, environment and working directory of a container's process, combined from the image config and the
// container Config exactly as moby does (daemon/commit.go `merge`, container.CreateDaemonEnvironment). Pure.
import { EngineError } from '../errors.js';
import type { ContainerProcessConfig, ImageProcessConfig } from './spec-input.js';

/** Docker's default PATH on Linux (system.DefaultPathEnv). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Entrypoint + Cmd. A container Entrypoint that is set and non-empty replaces the image's and drops the image's
 * Cmd unless the container gives its own Cmd. An empty one (`[]`, or `[""]` as `docker run --entrypoint ""`
 * sends) clears the entrypoint; moby then takes the image Cmd for `[]` only, and so do we.
 * Throws ENGINE_NO_COMMAND (invalid) when nothing is left to run.
 */
export function resolveCommand(image: ImageProcessConfig, config: ContainerProcessConfig): string[] {
  let entrypoint = config.Entrypoint;
  let cmd = config.Cmd;
  if (entrypoint == null || entrypoint.length === 0) {
    if (cmd == null || cmd.length === 0) cmd = image.Cmd;
    if (entrypoint == null) entrypoint = image.Entrypoint;
  }
  // [""] is moby's "reset" value: it counts as set (so the image Cmd was dropped above) but contributes nothing.
  const ep = entrypoint?.length === 1 && entrypoint[0] === '' ? [] : (entrypoint ?? []);
  const args = [...ep, ...(cmd ?? [])];
  if (args.length === 0) {
    throw new EngineError('invalid', 'ENGINE_NO_COMMAND', 'no command specified', {
      hint: 'give the container a command or an entrypoint, or use an image that has one',
    });
  }
  return args;
}

/**
 * The process environment: PATH default, HOSTNAME, TERM=xterm with a TTY, then the container Env (with the
 * image Env for keys the container does not set) replacing by key. A bare `KEY` without `=` unsets KEY.
 */
export function buildEnv(image: ImageProcessConfig, config: ContainerProcessConfig, hostname: string): string[] {
  const user = config.Env ?? [];
  const userKeys = new Set(user.map(keyOf));
  const merged = [...user, ...(image.Env ?? []).filter((e) => !userKeys.has(keyOf(e)))];
  const env = new Map<string, string | undefined>([
    ['PATH', `PATH=${DEFAULT_PATH}`],
    ['HOSTNAME', `HOSTNAME=${hostname}`],
  ]);
  if (config.Tty) env.set('TERM', 'TERM=xterm');
  for (const entry of merged) env.set(keyOf(entry), entry.includes('=') ? entry : undefined);
  return [...env.values()].filter((e): e is string => e !== undefined);
}

/** Container WorkingDir, else the image's, else "/". Relative paths are rejected as Docker does. */
export function resolveWorkingDir(image: ImageProcessConfig, config: ContainerProcessConfig): string {
  const dir = config.WorkingDir || image.WorkingDir || '/';
  if (!dir.startsWith('/')) {
    throw new EngineError(
      'invalid',
      'ENGINE_INVALID_WORKDIR',
      `the working directory '${dir}' is invalid, it needs to be an absolute path`,
    );
  }
  return cleanPath(dir);
}

function keyOf(entry: string): string {
  const i = entry.indexOf('=');
  return i === -1 ? entry : entry.slice(0, i);
}

function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}
