// What the benchmark scripts share: raw Engine API calls on a unix socket, waiting for a daemon's socket, timing
// and medians. Each script still starts its own daemons, since each needs dockerd with other flags.
import { request } from 'node:http';
import { pingEngine } from '../src/engine/client/endpoint.js';

/** One Engine API call; resolves with the status and body whatever the status. */
export function api(
  socket: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: socket, method, path, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Like api, but a status of 300 or more (other than 304) throws with the engine's answer. */
export async function ok(socket: string, method: string, path: string, body?: unknown): Promise<string> {
  const r = await api(socket, method, path, body);
  if (r.status >= 300 && r.status !== 304) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
  return r.body;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
export const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
export const sleep = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));

export async function waitForSocket(socket: string, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await pingEngine(socket, 200)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not answer on ${socket}`);
}
