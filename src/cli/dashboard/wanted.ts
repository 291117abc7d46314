// Whether attached `up` (and `up --watch`) draws the dashboard: on a terminal (stdin too, for the keys), with the
// tty progress display, unless --no-dashboard; --abort-on-container-exit keeps the plain lines its exits are for.
import type { CliContext, ProjectOptions } from '../context.js';
import { progressMode } from '../progress/select.js';

export function dashboardWanted(
  ctx: CliContext,
  global: Pick<ProjectOptions, 'progress'>,
  opts: { dashboard?: boolean; abortOnExit?: boolean },
): boolean {
  if (opts.dashboard === false || opts.abortOnExit) return false;
  const stdin = (ctx.stdio?.stdin ?? undefined) as { isTTY?: boolean } | undefined;
  return ctx.isTTY === true && stdin?.isTTY === true && progressMode(ctx, global.progress) === 'tty';
}
