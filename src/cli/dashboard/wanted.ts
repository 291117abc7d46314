// Whether attached `up` (and `up --watch`) draws the dashboard: on a terminal (stdin too, for the keys), with the
// tty progress display, unless --no-dashboard; --abort-on-container-exit keeps the plain lines its exits are for.
// Not under CI (CI or CONTINUOUS_INTEGRATION set, other than "0"/"false"): ink then draws only the last frame when
// it unmounts (its is-in-ci rule, repeated here on the context's env), so a live dashboard would stay blank.
import type { CliContext, ProjectOptions } from '../context.js';
import { progressMode } from '../progress/select.js';

export function dashboardWanted(
  ctx: CliContext,
  global: Pick<ProjectOptions, 'progress'>,
  opts: { dashboard?: boolean; abortOnExit?: boolean },
): boolean {
  if (opts.dashboard === false || opts.abortOnExit || inCi(ctx.env)) return false;
  const stdin = (ctx.stdio?.stdin ?? undefined) as { isTTY?: boolean } | undefined;
  return ctx.isTTY === true && stdin?.isTTY === true && progressMode(ctx, global.progress) === 'tty';
}

function inCi(env: Record<string, string | undefined>): boolean {
  const set = (key: string): boolean => env[key] !== undefined && env[key] !== '0' && env[key] !== 'false';
  return set('CI') || set('CONTINUOUS_INTEGRATION');
}
