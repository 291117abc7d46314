// The live dashboard of attached `up` (and `up --watch`): the shell around the pure state (state.ts) and view
// (view.ts). It lists and inspects the project's containers twice a second, follows their logs, takes watch's
// events, and acts on the keys: restart the selected container, rebuild its service, follow its log, quit. Quitting
// (q or Ctrl-C) stops the stack as attached `up` does on Ctrl-C.
import type { WriteStream } from 'node:tty';
import type { EngineClient } from '../../client/types.js';
import type { CliContext } from '../context.js';
import { streamContainerLogs } from '../log-stream.js';
import { displayablePorts } from '../port-text.js';
import type { ProgressSink } from '../progress/sink.js';
import type { AttachedContainer } from '../commands/up-attach.js';
import { stopAll } from '../commands/up-attach.js';
import type { WatchEvent } from '../watch/actions.js';
import { loadInk } from './load.js';
import type { ContainerFacts, DashboardAction, DashboardState } from './state.js';
import { initialState, reduce } from './state.js';
import type { KeyCommand } from './view-ink.js';
import { dashboardScreen } from './view-ink.js';

export interface DashboardOptions {
  project: string;
  /** Seconds before a stop kills (-t). */
  stopTimeout?: number;
  sink: ProgressSink;
  signal?: AbortSignal;
  /** Rebuilds one service's image and recreates its containers (`up --build` of it, without its output). */
  rebuild: (service: string) => Promise<void>;
  /** false: quitting leaves the containers running (`watch --no-up` did not start them). */
  stopOnQuit?: boolean;
  /** Where watch's events arrive when watch runs beside the dashboard. */
  onWatchEvent?: (listener: (e: WatchEvent) => void) => void;
}

const REFRESH_MS = 500;

export async function runDashboard(ctx: CliContext, client: EngineClient, opts: DashboardOptions): Promise<void> {
  const mods = await loadInk();
  const stdout = (ctx.stdio?.stdout ?? process.stdout) as WriteStream;
  const stdin = (ctx.stdio?.stdin ?? process.stdin) as NodeJS.ReadStream;
  const size = (): { columns: number; rows: number } => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  let state: DashboardState = initialState();
  let quit: () => void = () => undefined;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  const Screen = dashboardScreen(mods, (command) => void onKey(command));
  const draw = (): ReactNode => mods.react.createElement(Screen, { state, size: size() });
  type ReactNode = ReturnType<typeof mods.react.createElement>;
  const app = mods.ink.render(draw(), { stdout, stdin, exitOnCtrlC: false, patchConsole: false });
  const dispatch = (action: DashboardAction): void => {
    state = reduce(state, action);
    app.rerender(draw());
  };
  const onResize = (): void => app.rerender(draw());
  stdout.on('resize', onResize);

  const logs = new AbortController();
  const { follow, settled } = logFollower(client, () => state, dispatch, logs.signal);

  const refresh = async (): Promise<void> => {
    const containers = await projectFacts(client, opts.project).catch(() => undefined);
    if (!containers || state.quitting) return;
    dispatch({ type: 'containers', containers });
    for (const c of containers) follow(c.container);
  };
  const onKey = async (command: KeyCommand): Promise<void> => {
    if (state.quitting) return;
    if (command === 'quit') return quit();
    if (command !== 'restart' && command !== 'rebuild') return dispatch({ type: 'key', key: command });
    const row = state.rows[state.selected];
    if (!row) return;
    const started = Date.now();
    try {
      if (command === 'restart') {
        dispatch({ type: 'notice', text: `restarting ${row.container}...` });
        await client.containers.restart(row.container, { timeoutSeconds: opts.stopTimeout });
        dispatch({ type: 'notice', text: `restarted ${row.container} in ${Date.now() - started} ms` });
      } else {
        dispatch({ type: 'notice', text: `rebuilding ${row.service}...` });
        await opts.rebuild(row.service);
        dispatch({ type: 'notice', text: `rebuilt and recreated ${row.service} in ${Date.now() - started} ms` });
      }
      await refresh();
    } catch (e) {
      dispatch({ type: 'notice', text: `${command} ${row.container} failed: ${(e as Error).message}` });
    }
  };
  opts.onWatchEvent?.((event) => dispatch({ type: 'watch', event }));
  opts.signal?.addEventListener('abort', () => quit(), { once: true });
  if (opts.signal?.aborted) quit();

  await refresh();
  const poll = setInterval(() => void refresh(), REFRESH_MS);
  try {
    await quitting;
  } finally {
    clearInterval(poll);
    dispatch({ type: 'quit' });
    app.unmount();
    stdout.off('resize', onResize);
    logs.abort();
    await settled();
  }
  if (opts.stopOnQuit !== false) await stopStack(ctx, client, state, opts);
}

/**
 * Follows each container's log into the state: a stream ends when its container stops and is opened again (from
 * where it ended) once it runs again, until `signal` aborts.
 */
function logFollower(
  client: EngineClient,
  stateOf: () => DashboardState,
  dispatch: (action: DashboardAction) => void,
  signal: AbortSignal,
): { follow: (name: string) => void; settled: () => Promise<void> } {
  const followed = new Map<string, Promise<void>>();
  const follow = (name: string): void => {
    if (followed.has(name)) return;
    let since: string | undefined;
    const run = async (): Promise<void> => {
      while (!signal.aborted) {
        const row = stateOf().rows.find((r) => r.container === name);
        if (row?.state === 'running') {
          const opened = Math.floor(Date.now() / 1000);
          await streamContainerLogs(
            client,
            name,
            { follow: true, tail: since === undefined ? '50' : 'all', since, tty: false },
            (line) => dispatch({ type: 'log', container: name, text: line.text }),
            signal,
          ).catch(() => undefined);
          since = String(opened + 1);
        }
        await delay(REFRESH_MS, signal);
      }
    };
    followed.set(name, run());
  };
  return { follow, settled: async () => void (await Promise.all(followed.values())) };
}

/** Stops the stack's containers as attached `up` does on Ctrl-C. */
async function stopStack(
  ctx: CliContext,
  client: EngineClient,
  state: DashboardState,
  opts: DashboardOptions,
): Promise<void> {
  ctx.stderr('Gracefully stopping...\n');
  const attached: AttachedContainer[] = state.rows.map((r) => ({
    id: `container:${r.container}`,
    resource: 'container',
    name: r.container,
    service: r.service,
    containerId: r.container,
  }));
  await stopAll(client, attached, { project: opts.project, sink: opts.sink, stopTimeout: opts.stopTimeout });
}

/** The project's containers (one-off `run` containers left out) as the dashboard shows them. */
async function projectFacts(client: EngineClient, project: string): Promise<ContainerFacts[]> {
  const listed = await client.containers.list({ all: true, labels: [`com.docker.compose.project=${project}`] });
  const mine = listed.filter((c) => c.labels['com.docker.compose.oneoff'] !== 'True');
  return Promise.all(
    mine.map(async (c) => {
      const details = await client.containers.inspect(c.id).catch(() => undefined);
      const health = details?.state.health?.status;
      return {
        service: c.labels['com.docker.compose.service'] ?? '',
        container: c.name,
        state: c.state,
        ...(health && health !== 'none' ? { health } : {}),
        ports: displayablePorts(c.ports),
        restarts: details?.restartCount ?? 0,
        image: c.image,
      };
    }),
  );
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
