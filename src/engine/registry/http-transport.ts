// One HTTP exchange with a registry over node:http(s): TLS settings per endpoint, a timeout so that a dead host
// fails in seconds, redirects followed without the Authorization header (registries hand blobs to object storage on
// another host, which must not see the registry's credentials), and retries with backoff on 429, 5xx and network
// errors for requests whose body can be sent again.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { Endpoint } from './endpoints.js';

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  /** A Buffer, or a function that makes the body stream (called again for a retry), or none. */
  body?: Buffer | (() => Readable);
  tls: Endpoint['tls'];
  /** Retries after the first attempt; 0 for requests that must not be repeated. Default 3. */
  retries?: number;
  /** Idle time after which the exchange fails (ms); default 20 s. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** The URL that answered, after redirects. */
  url: URL;
}

/** A failure below HTTP: DNS, connection, TLS, timeout. `code` is Node's (ENOTFOUND, ECONNREFUSED, ...). */
export class NetworkError extends Error {
  readonly code: string;
  constructor(code: string, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'NetworkError';
    this.code = code;
  }
}

const RETRY_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** Sends `req`, following up to 5 redirects and retrying per the rules above. */
export async function send(req: HttpRequest): Promise<HttpResponse> {
  const retries = req.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    let res: HttpResponse;
    try {
      res = await followRedirects(req);
    } catch (e) {
      if (attempt >= retries || !(e instanceof NetworkError) || !RETRY_CODES.has(e.code)) throw e;
      await sleep(backoff(attempt));
      continue;
    }
    if (attempt < retries && (res.status === 429 || res.status >= 500)) {
      res.body.resume();
      const after = Number(res.headers['retry-after']);
      await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 5000) : backoff(attempt));
      continue;
    }
    return res;
  }
}

/** Reads a whole (small) response body; more than `limit` bytes is a protocol error. */
export async function readAll(body: Readable, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new NetworkError('EMSGSIZE', `response larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function followRedirects(req: HttpRequest): Promise<HttpResponse> {
  let current = req;
  for (let hop = 0; hop <= 5; hop++) {
    const res = await once(current);
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.status) || location === undefined) return res;
    res.body.resume();
    const headers = { ...current.headers };
    delete headers.Authorization;
    const method = res.status === 303 ? 'GET' : current.method;
    current = { ...current, method, url: new URL(location, current.url), headers };
  }
  throw new NetworkError('EREDIRECT', `too many redirects from ${req.url.host}`);
}

function once(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const secure = req.url.protocol === 'https:';
    const options = {
      method: req.method,
      headers: { 'User-Agent': 'berthd', ...req.headers },
      ...(secure ? req.tls : {}),
      agent: false as const,
    };
    const r = (secure ? httpsRequest : httpRequest)(req.url, options, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: req.url });
    });
    const timeout = req.timeoutMs ?? 20_000;
    r.setTimeout(timeout, () =>
      r.destroy(new NetworkError('ETIMEDOUT', `no answer from ${req.url.host} within ${timeout / 1000} s`)),
    );
    r.on('error', (e: NodeJS.ErrnoException) => reject(asNetworkError(e, req.url)));
    const body = req.body;
    if (body === undefined) r.end();
    else if (Buffer.isBuffer(body)) r.end(body);
    else {
      const stream = body();
      stream.on('error', (e) => r.destroy(e));
      stream.pipe(r);
    }
  });
}

function asNetworkError(e: NodeJS.ErrnoException, url: URL): NetworkError {
  if (e instanceof NetworkError) return e;
  const code = e.code ?? 'EUNKNOWN';
  const host = url.host;
  const why: Record<string, string> = {
    ENOTFOUND: `cannot resolve ${url.hostname} (DNS)`,
    EAI_AGAIN: `cannot resolve ${url.hostname} (DNS lookup timed out)`,
    ECONNREFUSED: `connection to ${host} refused`,
    ECONNRESET: `connection to ${host} reset`,
    EHOSTUNREACH: `no route to ${host}`,
    ENETUNREACH: `network unreachable for ${host}`,
  };
  const tls = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|EPROTO/.test(code) || /SSL|TLS|certificate/i.test(e.message);
  const message = why[code] ?? (tls ? `TLS with ${host} failed: ${e.message}` : `${host}: ${e.message}`);
  return new NetworkError(tls && code === 'EUNKNOWN' ? 'ETLS' : code, message, e);
}

/** Whether the error says the host answered, but not in TLS (a plain HTTP server on an HTTPS attempt). */
export function isNotTls(e: unknown): boolean {
  return e instanceof NetworkError && /wrong version number|packet length too long|http request/i.test(e.message);
}

function backoff(attempt: number): number {
  return Math.min(250 * 4 ** attempt, 4000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
