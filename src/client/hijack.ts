// Hijacked connections of the Docker Engine API: `POST /exec/{id}/start` and `POST /containers/{id}/attach` answer
// `101 UPGRADED` and then carry raw bytes both ways on the one socket (the Docker client's HijackedResponse): what
// the client writes is the process's stdin, what it reads is the process's output, multiplexed unless a TTY.
import { request } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { BerthError } from '../errors.js';
import type { EngineClient, Query } from './engine-client.js';
import { CLIENT_API_VERSION, EngineApiError } from './engine-client.js';
import { unixRequestOptions } from './endpoint.js';

/**
 * An open hijacked stream. `output` ends when the engine is done (the process exited, or the container stopped);
 * `input` is there only when the engine upgraded the connection, and `input.end()` half-closes it, which the
 * engine passes on as EOF on the process's stdin. `close` drops the connection at once.
 */
export interface HijackedStream {
  output: Readable;
  input?: Writable;
  close(): void;
}

/** Opens a hijacked stream; an error answer of the engine (404, 409...) rejects with its EngineApiError. */
export function hijack(
  client: EngineClient,
  path: string,
  opts: { query?: Query; body?: unknown } = {},
): Promise<HijackedStream> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.size > 0 ? `?${params.toString()}` : '';
  const payload = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = request({
      ...unixRequestOptions(client.socketPath),
      method: 'POST',
      path: `/v${CLIENT_API_VERSION}${path}${qs}`,
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
      if (status < 400) {
        // An engine that streams without upgrading: output only, as over any plain response.
        resolve({ output: res, close: () => res.destroy() });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let message = text.trim();
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {
          // not JSON: keep the text
        }
        reject(new EngineApiError(status, message || `HTTP ${status}`, `POST ${path}`));
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new BerthError(
          'ENGINE_UNREACHABLE',
          `cannot reach the engine at ${client.socketPath}: ${e.code ?? e.message}`,
          {
            hint: 'start the built-in engine with `berth engine start`, or point DOCKER_HOST at a running one',
          },
        ),
      ),
    );
    req.end(payload);
  });
}
