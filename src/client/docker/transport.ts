// The Docker Engine API over a unix socket: one kept-alive connection pool (a planner run of many small calls
// does not pay a connect per call), JSON in and out, request bodies streamed from a Readable (build, load, cp),
// and the hijacked connections of attach and exec. Every non-2xx answer becomes an EngineError (answer-error.ts);
// nothing outside src/client/docker sees a status code.
import { Agent, request } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { unixRequestOptions } from '../endpoint.js';
import { EngineError } from '../errors.js';
import type { ProcessStream } from '../types.js';
import { answerError, unreachableError } from './answer-error.js';

export const CLIENT_API_VERSION = '1.41';

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface RequestOptions {
  query?: Query;
  /** JSON, or a stream sent as it is (with `contentType`). */
  body?: unknown;
  contentType?: string;
  headers?: OutgoingHttpHeaders;
  signal?: AbortSignal;
}

/** Docker's `filters` parameter: {"label": ["a=b"]} as JSON; undefined when nothing filters. */
export function filtersParam(f: Record<string, readonly string[] | undefined>): string | undefined {
  const set = Object.entries(f).filter((e): e is [string, readonly string[]] => (e[1]?.length ?? 0) > 0);
  return set.length === 0 ? undefined : JSON.stringify(Object.fromEntries(set));
}

export class DockerTransport {
  readonly socketPath: string;
  private readonly agent: Agent;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
    this.agent = new Agent({ keepAlive: true, maxSockets: 16 });
  }

  close(): void {
    this.agent.destroy();
  }

  /** The answer, whatever its status; rejects only when the engine cannot be reached (or the signal aborts). */
  send(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const streamed = isReadable(opts.body);
    const payload = streamed || opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: OutgoingHttpHeaders = streamed
      ? { 'Content-Type': opts.contentType ?? 'application/x-tar', 'Transfer-Encoding': 'chunked' }
      : payload
        ? { 'Content-Type': 'application/json', 'Content-Length': payload.length }
        : { 'Content-Length': 0 };
    return new Promise((resolve, reject) => {
      const req = request(
        {
          ...unixRequestOptions(this.socketPath),
          agent: this.agent,
          signal: opts.signal,
          method,
          path: this.pathOf(path, opts.query),
          headers: { ...headers, ...opts.headers },
        },
        resolve,
      );
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(e.name === 'AbortError' ? e : unreachableError(this.socketPath, e)),
      );
      if (streamed) {
        const body = opts.body as Readable;
        body.on('error', (e: Error) => req.destroy(e));
        body.pipe(req);
      } else req.end(payload);
    });
  }

  /** The answer of a 2xx status; any other is read and thrown as its EngineError. */
  async ok(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const res = await this.send(method, path, opts);
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    throw answerError(status, await readText(res), `${method} ${path}`);
  }

  /** A JSON call: the parsed body (undefined when empty). */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    return parseAnswer<T>(await readText(await this.ok(method, path, opts)), `${method} ${path}`);
  }

  /** A call whose answer has no body of interest. */
  async empty(method: string, path: string, opts: RequestOptions = {}): Promise<void> {
    (await this.ok(method, path, opts)).resume();
  }

  /**
   * A hijacked stream (attach, exec start): the engine answers `101 UPGRADED` and then carries raw bytes both
   * ways on the socket. An engine that streams without upgrading gives output only.
   */
  hijack(path: string, opts: { query?: Query; body?: unknown } = {}): Promise<ProcessStream> {
    const payload = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts.body));
    return new Promise((resolve, reject) => {
      const req = request({
        ...unixRequestOptions(this.socketPath),
        method: 'POST',
        path: this.pathOf(path, opts.query),
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': payload.length,
          Connection: 'Upgrade',
          Upgrade: 'tcp',
        },
      });
      req.on('upgrade', (_res, socket, head) => {
        if (head.length > 0) socket.unshift(head); // output that came with the 101 answer
        resolve({ output: socket, input: socket, close: () => socket.destroy() });
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status < 300) return resolve({ output: res, close: () => res.destroy() });
        readText(res).then((text) => reject(answerError(status, text, `POST ${path}`)), reject);
      });
      req.on('error', (e: NodeJS.ErrnoException) => reject(unreachableError(this.socketPath, e)));
      req.end(payload);
    });
  }

  private pathOf(path: string, query: Query | undefined): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      if (typeof v === 'object') for (const item of v) params.append(k, item);
      else params.set(k, String(v));
    }
    const qs = params.toString();
    return `/v${CLIENT_API_VERSION}${path}${qs ? `?${qs}` : ''}`;
  }
}

/** A 2xx answer's JSON body (undefined when empty); anything else is the engine's fault, said as such. */
export function parseAnswer<T>(text: string, what: string): T {
  if (text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new EngineError(
      'internal',
      'ENGINE_BAD_ANSWER',
      `the engine's answer to ${what} is not JSON: ${text.slice(0, 200)}`,
    );
  }
}

export function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** The non-empty lines of a stream of JSON lines (events, progress), as text. */
export async function* textLines(res: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of res) {
    const lines = (rest + String(chunk)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') yield line;
  }
  if (rest.trim() !== '') yield rest;
}

/** Each line parsed; a line that is not JSON (a proxy's text) comes as the string itself. */
export async function* jsonLines(res: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  for await (const line of textLines(res)) yield parseLine(line);
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}

function isReadable(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as Readable).pipe === 'function';
}
