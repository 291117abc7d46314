// /containers/...: translate HTTP to the container lifecycle and back; no logic of their own.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { listContainers } from '../../containers/container-filters.js';
import { type LogChunk, type LogQuery, attachedOutput, containerLogs } from '../../containers/container-logs.js';
import type { ContainerRecord } from '../../containers/container-store.js';
import { waitForCondition } from '../../containers/container-wait.js';
import { inspectJson, summaryJson } from '../../containers/docker-json.js';
import type { Lifecycle } from '../../containers/lifecycle.js';
import { parseFilters } from '../../filters.js';
import { unixTimeParam } from '../query-time.js';
import { checkContainerCreate } from '../request-validation.js';
import type { ApiRouter, Request } from '../server.js';
import { beginRawStream, muxFrame, sendJson } from '../server.js';

const truthy = (v: string | null): boolean => v === '1' || v === 'true' || v === 'True';

export function containerRoutes(router: ApiRouter, lifecycle: Lifecycle): void {
  lifecycleRoutes(router, lifecycle);
  outputRoutes(router, lifecycle);
}

/** Create, list, inspect, start, stop, restart, kill and remove. */
function lifecycleRoutes(router: ApiRouter, lifecycle: Lifecycle): void {
  const { store } = lifecycle.deps;

  router.on('POST', '/containers/create', async (req, res) => {
    const body = checkContainerCreate(await req.json<unknown>());
    sendJson(res, 201, await lifecycle.create(req.query.get('name') ?? undefined, body));
  });

  router.on('GET', '/containers/json', (req, res) => {
    const list = listContainers(store, {
      all: truthy(req.query.get('all')),
      filters: parseFilters(req.query.get('filters')),
      limit: Number(req.query.get('limit') ?? '-1'),
    });
    sendJson(
      res,
      200,
      list.map((c) => summaryJson(c, lifecycle.imageConfig(c), lifecycle.attachmentsJson(c))),
    );
  });

  router.on('GET', '/containers/{id}/json', (req, res) => {
    const c = store.get(req.params.id as string);
    sendJson(res, 200, inspectJson(c, lifecycle.paths(c), lifecycle.imageConfig(c), lifecycle.attachmentsJson(c)));
  });

  router.on('POST', '/containers/{id}/start', async (req, res) => {
    const c = store.get(req.params.id as string);
    if (c.state.Running || c.state.Restarting) return void res.writeHead(304).end();
    await lifecycle.start(c.id);
    res.writeHead(204).end();
  });

  router.on('POST', '/containers/{id}/stop', async (req, res) => {
    const c = store.get(req.params.id as string);
    if (!c.state.Running && !c.state.Restarting) return void res.writeHead(304).end();
    const t = req.query.get('t');
    await lifecycle.stop(c.id, t === null ? undefined : Number(t));
    res.writeHead(204).end();
  });

  router.on('POST', '/containers/{id}/restart', async (req, res) => {
    const t = req.query.get('t');
    await lifecycle.restart(req.params.id as string, t === null ? undefined : Number(t));
    res.writeHead(204).end();
  });

  router.on('POST', '/containers/{id}/kill', async (req, res) => {
    await lifecycle.kill(req.params.id as string, req.query.get('signal') ?? 'SIGKILL');
    res.writeHead(204).end();
  });

  router.on('DELETE', '/containers/{id}', async (req, res) => {
    await lifecycle.remove(req.params.id as string, {
      force: truthy(req.query.get('force')),
      volumes: truthy(req.query.get('v')),
    });
    res.writeHead(204).end();
  });
}

/** What a client waits on or reads: wait, logs and attach. */
function outputRoutes(router: ApiRouter, lifecycle: Lifecycle): void {
  const { store } = lifecycle.deps;

  router.on('POST', '/containers/{id}/wait', async (req, res) => {
    const c = store.get(req.params.id as string);
    const condition = req.query.get('condition') ?? 'not-running';
    // Headers go out at once: clients (docker run) wait for them before starting the container.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const done = await waitForCondition(lifecycle, c, condition);
    res.end(JSON.stringify({ StatusCode: done.ExitCode, Error: null }));
  });

  router.on('GET', '/containers/{id}/logs', async (req, res) => {
    const c = store.get(req.params.id as string);
    const tail = req.query.get('tail');
    const query = {
      ...outputQuery(req, res),
      follow: truthy(req.query.get('follow')),
      fromNow: false,
      since: unixTimeParam(req.query, 'since'),
      until: unixTimeParam(req.query, 'until'),
      tail: tail && tail !== 'all' ? Number(tail) : undefined,
    };
    res.writeHead(200, {
      'Content-Type': c.config.Tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
    });
    await writeOutput(res, c, containerLogs(lifecycle, c, query));
    res.end();
  });

  router.hijack('POST', '/containers/{id}/attach', async (req, socket) => {
    const c = store.get(req.params.id as string);
    beginRawStream(req, socket, c.config.Tty === true);
    if (truthy(req.query.get('stream'))) {
      const query = { ...outputQuery(req, socket), logs: truthy(req.query.get('logs')) };
      await writeOutput(socket, c, attachedOutput(lifecycle, c, query));
    }
    socket.end();
  });
}

/** The stream and timestamp choices of logs and attach; the signal aborts when either side closes. */
function outputQuery(
  req: Request,
  out: ServerResponse | Duplex,
): Pick<LogQuery, 'stdout' | 'stderr' | 'timestamps' | 'signal'> {
  const q = req.query;
  const abort = new AbortController();
  req.raw.on('close', () => abort.abort());
  (out as Duplex).on?.('close', () => abort.abort());
  return {
    stdout: q.get('stdout') === null || truthy(q.get('stdout')),
    stderr: q.get('stderr') === null || truthy(q.get('stderr')),
    timestamps: truthy(q.get('timestamps')),
    signal: abort.signal,
  };
}

/** Docker's framing: multiplexed frames (stdcopy), or the raw bytes for a TTY. */
async function writeOutput(
  out: ServerResponse | Duplex,
  c: ContainerRecord,
  chunks: AsyncIterable<LogChunk>,
): Promise<void> {
  for await (const { stream, payload } of chunks) {
    out.write(c.config.Tty ? payload : muxFrame(stream === 'stderr' ? 2 : 1, payload));
  }
}
