// The registry transport against small HTTP servers on 127.0.0.1: 503 and 429 are retried with backoff,
// redirects are followed without the Authorization header, a silent server fails with a timeout, and a plain
// HTTP server on an HTTPS attempt is recognized as "not TLS" (the loopback fallback's signal).
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError, isNotTls, readAll, send } from '../../../src/engine/registry/http-transport.js';

const tls = { rejectUnauthorized: true };
const servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<URL> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('send', () => {
  it('retries 503 and 429 (honouring Retry-After), then returns the answer', async () => {
    const statuses = [503, 429, 200];
    let calls = 0;
    const base = await serve((_req, res) => {
      const status = statuses[calls++] ?? 200;
      res.writeHead(status, status === 429 ? { 'Retry-After': '1' } : {});
      res.end(status === 200 ? 'ok' : 'busy');
    });
    const started = Date.now();
    const res = await send({ method: 'GET', url: new URL('/v2/', base), tls });
    expect(res.status).toBe(200);
    expect((await readAll(res.body)).toString()).toBe('ok');
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('gives up after its retries and returns the last error status', async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls++;
      res.writeHead(500).end();
    });
    const res = await send({ method: 'GET', url: base, tls, retries: 1 });
    expect([res.status, calls]).toEqual([500, 2]);
  });

  it('follows a redirect to another host without the Authorization header', async () => {
    let seen: string | undefined = 'unset';
    const storage = await serve((req, res) => {
      seen = req.headers.authorization;
      res.end('blob bytes');
    });
    const registry = await serve((req, res) => {
      expect(req.headers.authorization).toBe('Bearer secret');
      res.writeHead(307, { Location: new URL('/bucket/blob?sig=1', storage).href }).end();
    });
    const res = await send({ method: 'GET', url: registry, tls, headers: { Authorization: 'Bearer secret' } });
    expect((await readAll(res.body)).toString()).toBe('blob bytes');
    expect(seen).toBeUndefined();
    expect(res.url.href).toContain('/bucket/blob');
  });

  it('fails with a timeout when the server does not answer', async () => {
    const base = await serve(() => undefined);
    const error = await send({ method: 'GET', url: base, tls, retries: 0, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toMatch(/no answer from 127\.0\.0\.1:\d+ within 0\.3 s/);
  });

  it('tells a plain HTTP server on an HTTPS attempt apart from other failures', async () => {
    const base = await serve((_req, res) => res.end('plain'));
    const https = new URL(base.href.replace('http:', 'https:'));
    const error = await send({ method: 'GET', url: https, tls, retries: 0 }).catch((e: unknown) => e);
    expect(isNotTls(error)).toBe(true);
    const refused = await send({ method: 'GET', url: new URL('https://127.0.0.1:1/'), tls, retries: 0 }).catch(
      (e: unknown) => e,
    );
    expect(isNotTls(refused)).toBe(false);
    expect((refused as NetworkError).message).toBe('connection to 127.0.0.1:1 refused');
  });
});
