// The Docker Engine API over HTTP: a small router, JSON and streaming helpers, the mapping of EngineError kinds to
// HTTP statuses (one of the two places that mapping lives; the other is the client), and hijacked connections for
// attach. Routes translate between HTTP and the daemon's services and hold no logic.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { isBerthError } from '../../errors.js';
import { API_VERSION, checkApiVersion } from './api-version.js';
import { listenPrivately, prepareSocketDir } from './private-socket.js';
import { BodyTooLargeError, MAX_JSON_BODY, parseJsonBody, readJsonBody } from './request-body.js';

export { API_VERSION, MIN_API_VERSION } from './api-version.js';

export interface Request {
  method: string;
  path: string; // without the /v1.xx prefix
  params: Record<string, string>;
  query: URLSearchParams;
  raw: IncomingMessage;
  /** Parsed JSON body ({} when empty; any JSON value else, null included). Limited in size and nesting. */
  json<T = Record<string, unknown>>(): Promise<T>;
}

export type Handler = (req: Request, res: ServerResponse) => Promise<void> | void;
/** A handler for a hijacked connection (attach, exec start): it owns the socket. */
export type HijackHandler = (req: Request, socket: Duplex) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler?: Handler;
  hijack?: HijackHandler;
}

export class ApiRouter {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    this.routes.push({ method, ...compile(path), handler });
    return this;
  }

  /** Routes that Docker clients call with `Upgrade: tcp` (or that may stream both ways). */
  hijack(method: string, path: string, handler: HijackHandler): this {
    this.routes.push({ method, ...compile(path), hijack: handler });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] as string)));
      return { route, params };
    }
    return undefined;
  }
}

function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  // `{name:.*}` matches slashes (image names like "library/busybox"); `{name}` matches one segment.
  const source = path.replace(/\{(\w+)(:\.\*)?\}/g, (_m, name: string, greedy: string | undefined) => {
    names.push(name);
    return greedy ? '(.+?)' : '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), names };
}

function toRequest(
  raw: IncomingMessage,
  params: Record<string, string>,
  path: string,
  query: URLSearchParams,
  upgradeBody?: Buffer,
): Request {
  let body: Promise<unknown> | undefined;
  return {
    method: raw.method ?? 'GET',
    path,
    params,
    query,
    raw,
    json<T>() {
      const read = upgradeBody ? Promise.resolve().then(() => parseJsonBody(upgradeBody)) : readJsonBody(raw);
      body ??= read.then((b) => (b === undefined ? {} : b));
      return body as Promise<T>;
    },
  };
}

/**
 * The body of an upgraded request (the docker CLI sends exec start's `{"Detach":false,"Tty":false}` with its
 * Upgrade): Node hands the socket over with whatever came after the headers, and the body may come in a later
 * packet. Exactly Content-Length bytes are taken, the rest is put back, so no byte of the body reaches a process's
 * stdin (it did, now and then, under load).
 */
function takeUpgradeBody(socket: Duplex, head: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [head];
    let have = head.length;
    const done = (): void => {
      socket.off('readable', onReadable);
      socket.off('end', done);
      const all = Buffer.concat(parts);
      if (all.length > length) socket.unshift(all.subarray(length));
      resolve(all.subarray(0, length));
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while (have < length && (chunk = socket.read() as Buffer | null) !== null) {
        parts.push(chunk);
        have += chunk.length;
      }
      if (have >= length) done();
    };
    if (have >= length) return done();
    socket.on('readable', onReadable);
    socket.on('end', done);
    onReadable();
  });
}

export function splitVersion(url: string): { path: string; query: URLSearchParams; version?: string } {
  const u = new URL(url, 'http://berthd');
  const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(u.pathname);
  return m
    ? { path: m[2] as string, query: u.searchParams, version: m[1] }
    : { path: u.pathname, query: u.searchParams };
}

const STATUS: Record<string, number> = {
  'not-found': 404,
  conflict: 409,
  invalid: 400,
  unavailable: 503,
  internal: 500,
};

export function statusOf(e: unknown): number {
  if (e instanceof BodyTooLargeError) return 413;
  const kind = (e as { kind?: string }).kind;
  if (kind && STATUS[kind]) return STATUS[kind] as number;
  if (e instanceof SyntaxError) return 400;
  return 500;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The JSON body of every error answer: Docker's `message`, and for a BerthError its `code` and `hint` beside it,
 * which the docker CLI ignores and berth's client shows (src/client/docker/answer-error.ts).
 */
export function errorBody(e: unknown): { message: string; code?: string; hint?: string } {
  if (isBerthError(e)) return { message: e.message, code: e.code, ...(e.hint ? { hint: e.hint } : {}) };
  return { message: e instanceof SyntaxError ? e.message : `internal error: ${String(e)}` };
}

export function sendError(res: ServerResponse, e: unknown, log: (line: string) => void): void {
  const status = statusOf(e);
  if (status >= 500) log(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  // The rest of a body too large was never read: the connection cannot carry another request.
  if (status === 413) res.setHeader('Connection', 'close');
  sendJson(res, status, errorBody(e));
}

function commonHeaders(): Record<string, string> {
  return { 'Api-Version': API_VERSION, 'Docker-Experimental': 'false', Ostype: 'linux', Server: 'berthd' };
}

export interface ApiServerOptions {
  socketPath: string;
  router: ApiRouter;
  log: (line: string) => void;
}

export interface ApiServer extends Server {
  /** Ends every connection, hijacked ones included, so that close() can finish. */
  closeEverything(): void;
}

/** Listens on a unix socket only readable and writable by root (mode 0600, in a folder only root can write). */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  prepareSocketDir(opts.socketPath);
  const server = createServer((raw, res) => {
    for (const [k, v] of Object.entries(commonHeaders())) res.setHeader(k, v);
    const { path, query, version } = splitVersion(raw.url ?? '/');
    try {
      checkApiVersion(version);
    } catch (e) {
      sendError(res, e, opts.log);
      return;
    }
    const found = opts.router.match(raw.method ?? 'GET', path);
    if (!found) {
      sendJson(res, 404, { message: `page not found: ${raw.method} ${path}` });
      return;
    }
    const req = toRequest(raw, found.params, path, query);
    const { handler, hijack } = found.route;
    // An async wrapper so that a handler that throws synchronously is answered like one that rejects.
    const run = async (): Promise<void> => (handler ? handler(req, res) : hijack?.(req, hijackFromResponse(raw, res)));
    run().catch((e: unknown) => sendError(res, e, opts.log));
  });
  server.on('upgrade', (raw: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { path, query, version } = splitVersion(raw.url ?? '/');
    try {
      checkApiVersion(version);
    } catch (e) {
      writeHijackError(socket, e);
      return;
    }
    const found = opts.router.match(raw.method ?? 'GET', path);
    if (!found?.route.hijack) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const length = Number(raw.headers['content-length'] ?? 0);
    if (length > MAX_JSON_BODY) return writeHijackError(socket, new BodyTooLargeError(MAX_JSON_BODY));
    const hijack = found.route.hijack;
    const run = async (): Promise<void> => {
      const body = await takeUpgradeBody(socket, head, Number.isSafeInteger(length) && length > 0 ? length : 0);
      return hijack(toRequest(raw, found.params, path, query, body), socket);
    };
    run().catch((e: unknown) => {
      opts.log(`error: ${String(e)}`);
      writeHijackError(socket, e);
    });
  });
  server.keepAliveTimeout = 0;
  // Hijacked connections (attach, exec) leave the HTTP server's books: closeAllConnections does not see them, and
  // server.close would wait for them forever. Every socket is tracked so that closeEverything ends them all.
  const sockets = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  (server as ApiServer).closeEverything = () => {
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  };
  await listenPrivately(server, opts.socketPath);
  return server as ApiServer;
}

/** A plain request to a hijack route (no Upgrade header): the handler still gets a socket-like stream. */
function hijackFromResponse(raw: IncomingMessage, res: ServerResponse): Duplex {
  res.detachSocket?.(raw.socket);
  return raw.socket;
}

/** Starts a hijacked stream: Docker answers 101 when the client asked to upgrade, else 200. */
export function beginRawStream(req: Request, socket: Duplex, tty: boolean): void {
  const upgrade = /upgrade/i.test(String(req.raw.headers.connection ?? ''));
  const type = tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
  const head = upgrade
    ? `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${type}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n`
    : `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\n`;
  const extra = Object.entries(commonHeaders())
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(`${head}${extra}\r\n`);
}

function writeHijackError(socket: Duplex, e: unknown): void {
  const status = statusOf(e);
  const body = JSON.stringify(errorBody(e));
  socket.end(
    `HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** One frame of Docker's multiplexed stdout/stderr stream: 8-byte header (stream, 0, 0, 0, size BE) + payload. */
export function muxFrame(stream: 1 | 2, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
