// `up --watch`: up, then watch while attached, as `docker compose up --watch` does; when the attached up ends
// (Ctrl-C, or a container exit with --abort-on-container-exit) the watch ends with it. Without --watch, `up` of
// a stack with watch rules says once how to start watching.
import { BerthError } from '../../errors.js';
import type { CliContext, ProjectOptions } from '../context.js';
import type { UpOptions } from './up.js';
import { upCommand } from './up.js';
import { watchCommand } from './watch.js';
import type { WatchEvent } from '../watch/actions.js';
import { dashboardWanted } from '../dashboard/wanted.js';

export async function upWatchCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: UpOptions,
): Promise<void> {
  if (opts.detach || opts.wait || opts.dryRun) {
    const flag = opts.detach ? '--detach' : opts.wait ? '--wait' : '--dry-run';
    throw new BerthError('CLI_FLAG_CONFLICT', `--watch cannot be combined with ${flag}`, {
      hint: 'run `berth up -d` and then `berth watch --no-up`',
    });
  }
  await upCommand(ctx, global, services, { ...opts, detach: true, watch: true });
  const stop = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, stop.signal]) : stop.signal;
  let ready: () => void = () => undefined;
  const started = new Promise<void>((r) => (ready = r));
  // On the dashboard, watch's lines become its "latest sync" line rather than text under ink's screen.
  const dashboard = dashboardWanted(ctx, global, opts);
  const listeners: Array<(e: WatchEvent) => void> = [];
  const watchCtx = dashboard
    ? { ...ctx, signal, stdout: () => undefined, stderr: () => undefined }
    : { ...ctx, signal };
  const onEvent = (e: WatchEvent): void => listeners.forEach((l) => l(e));
  const watching = watchCommand(watchCtx, global, services, {
    up: false,
    quiet: dashboard,
    dashboard: false, // the attached up below draws it
    onReady: () => ready(),
    onEvent,
  });
  try {
    await Promise.race([started, watching]);
    // The stack is up: this up changes nothing and follows the logs until the user stops it.
    const onWatchEvent = (l: (e: WatchEvent) => void): number => listeners.push(l);
    await upCommand(ctx, global, services, { ...opts, watch: true, onWatchEvent }, ctx.signal);
  } finally {
    stop.abort();
    await watching;
  }
}
