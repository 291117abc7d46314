// Attached `up`: follow the logs of the stack's containers until they have all exited or Ctrl-C, as `docker compose
// up` does. Each exit is printed ("shop-test-1 exited with code 3"); with --abort-on-container-exit the first exit
// stops every container ("Aborting on container exit..."), and berth exits with the exit code of --exit-code-from's
// service (or of the first service that exited). Exits are seen through the engine's `die` events, one stream.
import type { EngineClient } from '../../client/types.js';
import type { CliContext } from '../context.js';
import { prefixer, streamContainerLogs } from '../log-stream.js';
import type { ProgressRow, ProgressSink } from '../progress/sink.js';
import { inPhase } from '../progress/sink.js';

/** A container `up` follows: a progress row (for the stop) plus its service and id. */
export interface AttachedContainer extends ProgressRow {
  service: string;
  containerId: string;
}

export interface AttachOptions {
  project: string;
  /** --abort-on-container-exit (implied by --exit-code-from). */
  abortOnExit?: boolean;
  exitCodeFrom?: string;
  /** Seconds before a stop kills (-t). */
  stopTimeout?: number;
  sink: ProgressSink;
  signal?: AbortSignal;
}

/** Follows until every container exited, Ctrl-C, or (abortOnExit) the first exit; resolves with berth's exit code. */
export async function attachUntilDone(
  ctx: CliContext,
  client: EngineClient,
  attached: readonly AttachedContainer[],
  opts: AttachOptions,
): Promise<number> {
  const prefix = prefixer(
    attached.map((c) => c.name),
    ctx.isTTY === true && ctx.env.NO_COLOR === undefined && ctx.env.TERM !== 'dumb',
  );
  const logs = new AbortController();
  const watching = new AbortController();
  let interrupted = false;
  const interrupt = (): void => {
    interrupted = true;
    logs.abort();
  };
  opts.signal?.addEventListener('abort', interrupt, { once: true });
  const exits = new Map<string, number>();
  let exitCodeFrom = opts.exitCodeFrom;
  let stopping: Promise<void> | undefined;

  const onExit = (c: AttachedContainer, code: number): void => {
    if (exits.has(c.containerId) || interrupted) return;
    exits.set(c.containerId, code);
    ctx.stdout(`${c.name} exited with code ${code}\n`);
    if (!opts.abortOnExit) return;
    exitCodeFrom ??= c.service;
    if (!stopping) {
      ctx.stderr('Aborting on container exit...\n');
      stopping = stopAll(client, attached, opts);
    }
  };
  /** Inspects a container; calls onExit when it has exited for good (not restarting). */
  const check = async (c: AttachedContainer): Promise<void> => {
    const found = await client.containers.inspect(c.containerId).catch(() => undefined);
    const s = found?.state;
    if (s && (s.status === 'exited' || s.status === 'dead') && !s.restarting) onExit(c, s.exitCode);
  };

  // Exits are seen twice over: the engine's `die` events (timely, and the only sign of an exit while a log stream
  // stays open) and the end of each container's log stream (berthd sends the events' headers only with the first
  // event, so the watch cannot be known to be listening before the containers run).
  const watcher = watchExits(client, opts.project, watching.signal, async (id) => {
    const c = attached.find((x) => x.containerId === id);
    if (c) await check(c);
  });
  ctx.stdout(`Attaching to ${attached.map((c) => c.name).join(', ')}\n`);
  await Promise.all(
    attached.map(async (c) => {
      await streamContainerLogs(
        client,
        c.containerId,
        { follow: true, tail: 'all', tty: false },
        (line) => ctx.stdout(`${prefix(c.name, line.text)}\n`),
        logs.signal,
      ).catch(() => undefined);
      if (!interrupted) await check(c);
    }),
  );
  if (interrupted && !stopping) {
    ctx.stderr('Gracefully stopping... (press Ctrl+C again to force)\n');
    stopping = stopAll(client, attached, opts);
  }
  await stopping;
  watching.abort();
  await watcher;
  if (!opts.abortOnExit || interrupted) return 0;
  const from = attached.filter((c) => c.service === exitCodeFrom && exits.has(c.containerId));
  return from.length > 0 ? (exits.get((from[from.length - 1] as AttachedContainer).containerId) as number) : 0;
}

async function stopAll(client: EngineClient, attached: readonly AttachedContainer[], opts: AttachOptions) {
  await inPhase(opts.sink, attached, () =>
    Promise.all(
      attached.map(async (c) => {
        opts.sink.event({ ...c, status: 'working', text: 'Stopping' });
        const t = opts.stopTimeout;
        await client.containers.stop(c.containerId, { timeoutSeconds: t }).catch(() => undefined);
        opts.sink.event({ ...c, status: 'done', text: 'Stopped' });
      }),
    ),
  );
}

/** Streams the project's container `die` events until `signal`; resolves when the stream has ended. */
function watchExits(
  client: EngineClient,
  project: string,
  signal: AbortSignal,
  onDie: (containerId: string) => Promise<void>,
): Promise<void> {
  const filter = { types: ['container'], actions: ['die'], labels: [`com.docker.compose.project=${project}`] };
  return (async (): Promise<void> => {
    const pending: Array<Promise<void>> = [];
    for await (const event of client.events(filter, signal)) pending.push(onDie(event.id));
    await Promise.all(pending);
  })().catch(() => undefined); // aborted at the end, or the engine went away: the log streams' ends still count
}
