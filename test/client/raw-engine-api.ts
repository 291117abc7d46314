// The Docker Engine API raw, for tests that read an engine's state in Docker's own shapes (berthd and dockerd side
// by side): JSON in and out, an error answer thrown with its status. berth itself goes through EngineClient
// (src/client/types.ts, src/client/docker/); this is the tests' view from outside it.
import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { BerthError } from '../../src/errors.js';
import { unixRequestOptions } from '../../src/client/endpoint.js';

export const CLIENT_API_VERSION = '1.41';

export type Query = Record<string, string | number | boolean | undefined>;

/** An error answer of the engine: `status` is the HTTP status, the message is the engine's. */
export class EngineApiError extends BerthError {
  readonly status: number;
  constructor(status: number, message: string, what: string) {
    super(status === 404 ? 'ENGINE_NOT_FOUND' : status === 409 ? 'ENGINE_CONFLICT' : 'ENGINE_REQUEST_FAILED', message, {
      hint: status >= 500 ? `the engine failed while ${what}; its log may say more` : undefined,
    });
    this.status = status;
  }
}

export class RawEngineApi {
  readonly socketPath: string;
  private readonly agent: Agent;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
    this.agent = new Agent({ keepAlive: true, maxSockets: 16 });
  }

  close(): void {
    this.agent.destroy();
  }

  /** The raw response; the caller reads (or streams) the body. Rejects only when the engine cannot be reached. */
  raw(
    method: string,
    path: string,
    opts: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<IncomingMessage> {
    const qs = queryString(opts.query);
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          ...unixRequestOptions(this.socketPath),
          agent: this.agent,
          signal: opts.signal,
          method,
          path: `/v${CLIENT_API_VERSION}${path}${qs}`,
          headers: payload
            ? { 'Content-Type': 'application/json', 'Content-Length': payload.length }
            : { 'Content-Length': 0 },
        },
        resolve,
      );
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(
          new BerthError(
            'ENGINE_UNREACHABLE',
            `cannot reach the engine at ${this.socketPath}: ${e.code ?? e.message}`,
            {
              hint: 'start the built-in engine with `berth engine start`, or point DOCKER_HOST at a running one',
            },
          ),
        ),
      );
      req.end(payload);
    });
  }

  /** A JSON call: resolves with the parsed body (undefined when empty); a 4xx/5xx throws EngineApiError. */
  async call<T = unknown>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
    const res = await this.raw(method, path, opts);
    const text = await readAll(res);
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new EngineApiError(status, message || `HTTP ${status}`, `${method} ${path}`);
    }
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as T;
    }
  }

  /** Like call, but a 404 resolves with undefined (inspect of something that may not exist). */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.call<T>('GET', path);
    } catch (e) {
      if (e instanceof EngineApiError && e.status === 404) return undefined;
      throw e;
    }
  }
}

/** Docker's `filters` parameter: {"label": ["a=b"]} as JSON. */
export function filters(f: Record<string, string[]>): string {
  return JSON.stringify(f);
}

function queryString(q: Query | undefined): string {
  if (!q) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
