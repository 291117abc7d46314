// /containers/...: translate HTTP to the container lifecycle and back; no logic of their own.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EngineEvent, EventBus } from '../../daemon/events.js';
import { matchesLabels, parseFilters } from '../../filters.js';
import type { ContainerRecord } from '../../containers/container-store.js';
import { inspectJson, summaryJson } from '../../containers/docker-json.js';
import { healthFilterValue } from '../../containers/health-config.js';
import type { Lifecycle } from '../../containers/lifecycle.js';
import { EngineError } from '../../errors.js';
import { parseLogTime, readLogs } from '../../runtime/k8s-log.js';
import { unixTimeParam } from '../query-time.js';
import { checkContainerCreate } from '../request-validation.js';
import type { ApiRouter, Request } from '../server.js';
import { beginRawStream, muxFrame, sendJson } from '../server.js';
import { compareText } from '../../../compare-text.js';

const truthy = (v: string | null): boolean => v === '1' || v === 'true' || v === 'True';

export function containerRoutes(router: ApiRouter, lifecycle: Lifecycle, events: EventBus): void {
  const { store } = lifecycle.deps;

  router.on('POST', '/containers/create', async (req, res) => {
    const body = checkContainerCreate(await req.json<unknown>());
    sendJson(res, 201, await lifecycle.create(req.query.get('name') ?? undefined, body));
  });

  router.on('GET', '/containers/json', (req, res) => {
    const filters = parseFilters(req.query.get('filters'));
    const all = truthy(req.query.get('all'));
    let list = store.all().filter((c) => (all || c.state.Running || c.state.Restarting) && matches(c, filters));
    list.sort((a, b) => compareText(b.created, a.created));
    const limit = Number(req.query.get('limit') ?? '-1');
    if (limit > 0) list = list.slice(0, limit);
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
    // A paused container is running, but its start is a conflict (lifecycle.start says so), not a 304.
    if ((c.state.Running || c.state.Restarting) && !c.state.Paused) return void res.writeHead(304).end();
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
    const c = store.get(req.params.id as string);
    const t = req.query.get('t');
    await lifecycle.stop(c.id, t === null ? undefined : Number(t));
    await lifecycle.start(c.id);
    events.emit('container', 'restart', c.id, { name: c.name, image: c.image });
    res.writeHead(204).end();
  });

  router.on('POST', '/containers/{id}/kill', async (req, res) => {
    await lifecycle.kill(req.params.id as string, req.query.get('signal') ?? 'SIGKILL');
    res.writeHead(204).end();
  });

  router.on('POST', '/containers/{id}/wait', async (req, res) => {
    const c = store.get(req.params.id as string);
    const condition = req.query.get('condition') ?? 'not-running';
    // Headers go out at once: clients (docker run) wait for them before starting the container.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const done = await waitFor(c, condition, lifecycle, events);
    res.end(JSON.stringify({ StatusCode: done.ExitCode, Error: null }));
  });

  router.on('DELETE', '/containers/{id}', async (req, res) => {
    await lifecycle.remove(req.params.id as string, {
      force: truthy(req.query.get('force')),
      volumes: truthy(req.query.get('v')),
    });
    res.writeHead(204).end();
  });

  router.on('GET', '/containers/{id}/logs', async (req, res) => {
    const c = store.get(req.params.id as string);
    // As dockerd: a stream left out of the query is not sent, and one of the two must be asked for.
    if (!truthy(req.query.get('stdout')) && !truthy(req.query.get('stderr'))) {
      throw new EngineError('invalid', 'ENGINE_LOGS_NO_STREAM', 'Bad parameters: you must choose at least one stream', {
        hint: 'ask for stdout=1, stderr=1 or both',
      });
    }
    const since = unixTimeParam(req.query, 'since');
    const until = unixTimeParam(req.query, 'until');
    res.writeHead(200, {
      'Content-Type': c.config.Tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
    });
    await streamLogs(req, res, c, lifecycle, { follow: truthy(req.query.get('follow')), fromNow: false, since, until });
    res.end();
  });

  router.hijack('POST', '/containers/{id}/attach', async (req, socket) => {
    const c = store.get(req.params.id as string);
    beginRawStream(req, socket, c.config.Tty === true);
    if (truthy(req.query.get('stream'))) {
      // Clients attach before they start the container: the stream ends at the next exit, not while it is created.
      let exited = false;
      const off = events.subscribe((e) => {
        if (e.Type === 'container' && e.Actor.ID === c.id && e.Action === 'die') exited = true;
      });
      try {
        await streamLogs(req, socket, c, lifecycle, {
          follow: true,
          fromNow: !truthy(req.query.get('logs')),
          isDone: () => exited,
        });
      } finally {
        off();
      }
    }
    socket.end();
  });
}

function matches(c: ContainerRecord, filters: Map<string, string[]>): boolean {
  for (const [name, values] of filters) {
    if (values.length === 0) continue;
    const labels = (c.config.Labels as Record<string, string> | undefined) ?? {};
    const ok =
      name === 'label'
        ? matchesLabels(labels, values)
        : name === 'name'
          ? values.some((v) => new RegExp(v.replace(/^\//, '')).test(c.name))
          : name === 'id'
            ? values.some((v) => c.id.startsWith(v))
            : name === 'status'
              ? values.includes(c.state.Status)
              : name === 'exited'
                ? c.state.Status === 'exited' && values.includes(String(c.state.ExitCode))
                : name === 'ancestor'
                  ? values.includes(c.image) || values.includes(c.imageId)
                  : name === 'health'
                    ? values.includes(healthFilterValue(c.state.Health))
                    : true;
    if (!ok) return false;
  }
  return true;
}

async function waitFor(
  c: ContainerRecord,
  condition: string,
  lifecycle: Lifecycle,
  events: EventBus,
): Promise<ContainerRecord['state']> {
  if (condition === 'not-running' || condition === '') return (await lifecycle.waitExit(c.id)).state;
  const action = condition === 'removed' ? 'destroy' : 'die';
  const event = await new Promise<EngineEvent>((resolve) => {
    const off = events.subscribe((e) => {
      if (e.Type === 'container' && e.Actor.ID === c.id && e.Action === action) {
        off();
        resolve(e);
      }
    });
  });
  return { ...c.state, ExitCode: Number(event.Actor.Attributes.exitCode ?? c.state.ExitCode) };
}

/** Writes log entries as Docker does: multiplexed frames, or raw bytes for a TTY; optional timestamps. */
async function streamLogs(
  req: Request,
  out: ServerResponse | Duplex,
  c: ContainerRecord,
  lifecycle: Lifecycle,
  opts: { follow: boolean; fromNow: boolean; isDone?: () => boolean; since?: number; until?: number },
): Promise<void> {
  const q = req.query;
  // Attach sends both streams; logs sends the ones its query names (checked by the route).
  const attach = opts.isDone !== undefined;
  const wantOut = attach || truthy(q.get('stdout'));
  const wantErr = attach || truthy(q.get('stderr'));
  const timestamps = truthy(q.get('timestamps'));
  const tail = q.get('tail');
  const abort = new AbortController();
  req.raw.on('close', () => abort.abort());
  (out as Duplex).on?.('close', () => abort.abort());
  const path = lifecycle.paths(c).logPath;
  const isDone = opts.isDone ?? ((): boolean => !lifecycle.deps.store.find(c.id)?.state.Running);
  for await (const entry of readLogs(path, {
    follow: opts.follow,
    fromEnd: opts.fromNow,
    since: opts.since ? new Date(opts.since * 1000).toISOString() : undefined,
    until: opts.until ? new Date(opts.until * 1000).toISOString() : undefined,
    tail: tail && tail !== 'all' ? Number(tail) : undefined,
    signal: abort.signal,
    isDone,
    // An exit ends the reader's wait at once, so that `docker run` returns without waiting out a poll.
    wake: (notify) =>
      lifecycle.deps.events.subscribe((e) => {
        if (e.Type === 'container' && e.Actor.ID === c.id && e.Action === 'die') notify();
      }),
  })) {
    if ((entry.stream === 'stdout' && !wantOut) || (entry.stream === 'stderr' && !wantErr)) continue;
    const text = `${timestamps ? `${dockerLogTime(entry.time)} ` : ''}${entry.text}${entry.partial ? '' : '\n'}`;
    const payload = Buffer.from(text);
    out.write(c.config.Tty ? payload : muxFrame(entry.stream === 'stderr' ? 2 : 1, payload));
  }
}

/**
 * A log record's time as dockerd stamps log lines (RFC 3339 in UTC with nine fraction digits, Go's
 * RFC3339NanoFixed), from conmon's RFC 3339 with the host's offset ("+00:00"), which clients that parse
 * Docker's stamps do not all take.
 */
export function dockerLogTime(time: string): string {
  const nanos = parseLogTime(time);
  if (nanos === undefined) return time;
  const seconds = new Date(Number(nanos / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${String(nanos % 1_000_000_000n).padStart(9, '0')}Z`;
}
