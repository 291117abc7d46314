// `berth watch [SERVICE...]` and `up --watch`: brings the stack up (unless --no-up), then acts on the services'
// develop.watch rules until Ctrl-C. The stack file is watched too: saving it re-plans, prints the plan, applies
// only what changed, and watches the new rules. `rebuild` goes through `up --build` for that one service.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { watch } from 'chokidar';
import { EngineError } from '../../client/errors.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { loadProject } from '../load-project.js';
import { renderError } from '../render-error.js';
import { openSession } from '../stack-session.js';
import type { WatchEvent } from '../watch/actions.js';
import { renderWatchEvent, renderWatching } from '../watch/render-watch.js';
import type { WatchSession } from '../watch/session.js';
import { startWatchSession } from '../watch/session.js';
import { watchTargets } from '../watch/targets.js';
import { planCommand, upCommand } from './up.js';
import { dashboardWanted } from '../dashboard/wanted.js';
import { selectProgress } from '../progress/select.js';

export interface WatchOptions {
  /** false with --no-up: watch what runs, without bringing the stack up first. */
  up?: boolean;
  /** --prune: remove the image a rebuild replaced when nothing uses it any more. */
  prune?: boolean;
  /** --quiet: no build or up output, only the watch lines. */
  quiet?: boolean;
  /** For tests and `up --watch`: each event as data, and the moment watching has started. */
  onEvent?: (e: WatchEvent) => void;
  onReady?: () => void;
  /** false with --no-dashboard, and from `up --watch` (whose attached up draws it): the plain lines. */
  dashboard?: boolean;
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export async function watchCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: WatchOptions,
): Promise<void> {
  // On a terminal the dashboard shows what watch does; the output of up and builds would draw over it.
  const drawing = dashboardWanted(ctx, global, { dashboard: opts.dashboard });
  const quietGlobal: ProjectOptions = opts.quiet || drawing ? { ...global, progress: 'quiet' } : global;
  // Refuse a stack with nothing to watch before anything is started.
  const targets = watchTargets(loadProject(ctx, global, services), services, readText);
  if (opts.up !== false) await upCommand(ctx, quietGlobal, services, { detach: true, scale: [] });
  const shown = drawing ? { ...ctx, stdout: () => undefined, stderr: () => undefined } : ctx;
  const listeners: Array<(e: WatchEvent) => void> = [];
  const emit = (e: WatchEvent): void => {
    if (drawing) listeners.forEach((l) => l(e));
    else ctx.stdout(`${renderWatchEvent(e)}\n`);
    opts.onEvent?.(e);
  };
  let current = await openWatch(shown, global, services, { ...opts, emit, global: quietGlobal });
  const stackFiles = watch(current.files, { ignoreInitial: true, atomic: false });
  let applying = Promise.resolve();
  stackFiles.on('change', () => {
    applying = applying.then(async () => {
      const started = performance.now();
      try {
        // The plan loads the file first: one saved half-edited is reported, and the running watch kept.
        await planCommand(shown, global, services, { scale: [] });
        await upCommand(shown, quietGlobal, services, { detach: true, scale: [] });
        const next = await openWatch(shown, global, services, {
          ...opts,
          emit,
          global: quietGlobal,
          initialSync: false,
        });
        await current.session.close();
        current.close();
        current = next;
        emit({ kind: 'stack-applied', ms: Math.round(performance.now() - started) });
      } catch (e) {
        // The watch goes on with the rules it had; the error is the same as `berth up` would print.
        const debug = ctx.env.BERTH_DEBUG === '1';
        shown.stderr(renderError(e, { cwd: ctx.cwd, argv: ['watch'], version: '', debug }));
      }
    });
  });
  await new Promise<void>((resolve) => stackFiles.once('ready', resolve));
  shown.stdout(`${renderWatching(targets)}\n`);
  opts.onReady?.();
  try {
    if (drawing) await watchDashboard(ctx, global, services, { listeners, stopOnQuit: opts.up !== false });
    else await untilAborted(ctx.signal);
    await applying;
  } finally {
    await stackFiles.close();
    await current.session.close();
    current.close();
  }
}

interface OpenWatch {
  session: WatchSession;
  files: string[];
  close(): void;
}

async function openWatch(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: WatchOptions & { emit: (e: WatchEvent) => void; global: ProjectOptions; initialSync?: boolean },
): Promise<OpenWatch> {
  const stack = await openSession(ctx, global, services);
  try {
    const targets = watchTargets(stack.stack, services, readText);
    const rebuild = async (service: string): Promise<void> => {
      const before = await imageOf(stack.client, stack.stack.name, service);
      await upCommand(ctx, opts.global, [service], { detach: true, build: true, noDeps: true, scale: [] });
      if (opts.prune && before) await pruneImage(stack.client, before);
    };
    const session = await startWatchSession({
      engine: stack.client,
      project: stack.stack.name,
      targets,
      rebuild,
      emit: opts.emit,
      initialSync: opts.initialSync,
    });
    return { session, files: stack.files, close: () => stack.client.close() };
  } catch (e) {
    stack.client.close();
    throw e;
  }
}

type Client = Awaited<ReturnType<typeof openSession>>['client'];

async function imageOf(client: Client, project: string, service: string): Promise<string | undefined> {
  const labels = [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`];
  return (await client.containers.list({ all: true, labels }))[0]?.imageId;
}

/** Removes the image a rebuild replaced; one still in use (or already gone) is left as it is. */
async function pruneImage(client: Client, id: string): Promise<void> {
  await client.images.remove(id).catch((e: unknown) => {
    if (!(e instanceof EngineError) || (e.kind !== 'conflict' && e.kind !== 'not-found')) throw e;
  });
}

/** The dashboard over a running watch, until q or Ctrl-C; quitting stops the stack unless watch did not start it. */
async function watchDashboard(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: { listeners: Array<(e: WatchEvent) => void>; stopOnQuit: boolean },
): Promise<void> {
  const session = await openSession(ctx, global, services);
  try {
    const { runDashboard } = await import('../dashboard/dashboard.js');
    const muted = { ...ctx, stdout: () => undefined, stderr: () => undefined };
    const quiet = { ...global, progress: 'quiet' };
    await runDashboard(ctx, session.client, {
      project: session.stack.name,
      sink: await selectProgress(ctx, global.progress),
      signal: ctx.signal,
      stopOnQuit: opts.stopOnQuit,
      rebuild: (service) => upCommand(muted, quiet, [service], { detach: true, build: true, noDeps: true, scale: [] }),
      onWatchEvent: (l) => opts.listeners.push(l),
    });
  } finally {
    session.client.close();
  }
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return; // without a signal (never in the CLI), watch runs until the process ends
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
