// The containers of a Docker Engine API: /containers/... translated to EngineClient's `containers` group.
// Files (cp) are in container-files.ts; this file is the lifecycle, logs, attach and wait.
import type { EndpointSettings } from '../api-types.js';
import { isEngineError } from '../errors.js';
import { demultiplexed } from '../stdcopy.js';
import type { ContainerExit, EngineClient, LogChunk, LogOptions } from '../types.js';
import { getArchive, putArchive, statPath } from './container-files.js';
import { toContainerDetails, toContainerSummary } from './shapes.js';
import type { DockerTransport } from './transport.js';
import { filtersParam, parseAnswer, readText } from './transport.js';

type Containers = EngineClient['containers'];
type Json = Record<string, unknown>;

const at = (ref: string): string => `/containers/${encodeURIComponent(ref)}`;

/** Swallows not-modified: starting what runs and stopping what is stopped succeed, as the contract says. */
const unlessNotModified = (e: unknown): void => {
  if (!isEngineError(e, 'not-modified')) throw e;
};

export function dockerContainers(t: DockerTransport): Containers {
  return {
    async list(filter = {}) {
      const filters = filtersParam({ label: filter.labels, name: filter.names, status: filter.status });
      const list = await t.json<Json[]>('GET', '/containers/json', {
        query: { all: filter.all ? 1 : undefined, filters },
      });
      const all = list.map(toContainerSummary);
      // Docker's `name` filter matches a part of the name; ours are exact names or ids.
      return filter.names?.length
        ? all.filter((c) => filter.names?.some((n) => n === c.name || c.id.startsWith(n)))
        : all;
    },
    async inspect(ref) {
      try {
        return toContainerDetails(await t.json<Json>('GET', `${at(ref)}/json`));
      } catch (e) {
        if (isEngineError(e, 'not-found')) return undefined;
        throw e;
      }
    },
    async create(req) {
      const query = { name: req.name, platform: req.platform };
      const created = await t.json<{ Id: string; Warnings?: string[] | null }>('POST', '/containers/create', {
        query,
        body: req.body,
      });
      return { id: created.Id, warnings: created.Warnings ?? [] };
    },
    start: (ref) => t.empty('POST', `${at(ref)}/start`).catch(unlessNotModified),
    stop: (ref, opts = {}) =>
      t
        .empty('POST', `${at(ref)}/stop`, { query: { t: opts.timeoutSeconds, signal: opts.signal } })
        .catch(unlessNotModified),
    restart: (ref, opts = {}) => t.empty('POST', `${at(ref)}/restart`, { query: { t: opts.timeoutSeconds } }),
    kill: (ref, signal) => t.empty('POST', `${at(ref)}/kill`, { query: { signal } }),
    pause: (ref) => t.empty('POST', `${at(ref)}/pause`),
    unpause: (ref) => t.empty('POST', `${at(ref)}/unpause`),
    rename: (ref, newName) => t.empty('POST', `${at(ref)}/rename`, { query: { name: newName } }),
    remove: (ref, opts = {}) =>
      t.empty('DELETE', at(ref), { query: { force: opts.force ? 1 : undefined, v: opts.volumes ? 1 : undefined } }),
    wait: (ref, opts = {}) => waitFor(t, ref, opts),
    logs: (ref, opts = {}) => logsOf(t, ref, opts),
    attach: (ref, opts) =>
      t.hijack(`${at(ref)}/attach`, {
        query: { stream: 1, stdin: opts.stdin ? 1 : undefined, stdout: 1, stderr: 1, detachKeys: opts.detachKeys },
      }),
    resize: (ref, size) => t.empty('POST', `${at(ref)}/resize`, { query: { h: size.rows, w: size.columns } }),
    async top(ref, psArgs) {
      const top = await t.json<{ Titles?: string[]; Processes?: string[][] }>('GET', `${at(ref)}/top`, {
        query: { ps_args: psArgs },
      });
      return { titles: top.Titles ?? [], processes: top.Processes ?? [] };
    },
    connect: (ref, network, endpoint?: EndpointSettings) =>
      t.empty('POST', `/networks/${encodeURIComponent(network)}/connect`, {
        body: { Container: ref, EndpointConfig: endpoint },
      }),
    disconnect: (ref, network, opts = {}) =>
      t.empty('POST', `/networks/${encodeURIComponent(network)}/disconnect`, {
        body: { Container: ref, Force: opts.force === true },
      }),
    statPath: (ref, path) => statPath(t, ref, path),
    getArchive: (ref, path) => getArchive(t, ref, path),
    putArchive: (ref, path, tar, opts) => putArchive(t, ref, { path, tar, copyUIDGID: opts?.copyUIDGID }),
  };
}

async function waitFor(
  t: DockerTransport,
  ref: string,
  opts: { condition?: string; signal?: AbortSignal; onWaiting?: () => void },
): Promise<ContainerExit> {
  const res = await t.ok('POST', `${at(ref)}/wait`, { query: { condition: opts.condition }, signal: opts.signal });
  // The engine answers the headers at once and the body at the exit: from here a start cannot be missed.
  opts.onWaiting?.();
  type Exit = { StatusCode?: number; Error?: { Message?: string } | null };
  const body = parseAnswer<Exit | undefined>(await readText(res), `POST /containers/${ref}/wait`) ?? {};
  return { exitCode: body.StatusCode ?? -1, error: body.Error?.Message || undefined };
}

async function* logsOf(t: DockerTransport, ref: string, opts: LogOptions): AsyncGenerator<LogChunk> {
  if (opts.signal?.aborted) return;
  try {
    const res = await t.ok('GET', `${at(ref)}/logs`, {
      query: {
        stdout: opts.stdout === false ? undefined : 1,
        stderr: opts.stderr === false ? undefined : 1,
        follow: opts.follow ? 1 : undefined,
        tail: opts.tail,
        timestamps: opts.timestamps ? 1 : undefined,
        since: opts.since,
        until: opts.until,
      },
      signal: opts.signal,
    });
    try {
      // A TTY container's log is its raw output, not multiplexed.
      if (opts.tty) for await (const data of res) yield { stream: 'stdout', data: data as Buffer };
      else yield* demultiplexed(res);
    } finally {
      res.destroy();
    }
  } catch (e) {
    if (!opts.signal?.aborted) throw e; // an abort is how a follower stops: the log just ends
  }
}
