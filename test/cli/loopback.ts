// Loopback helpers for CLI tests that publish ports: a free port to publish on, and a GET of what answers there,
// once or until the server behind it answers.
import { request } from 'node:http';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The body of GET / on 127.0.0.1:port (rejects on error or after 2 s). */
export function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/**
 * The body of GET / on 127.0.0.1:port once `done` accepts it (default: any non-empty body), asked every 100 ms for
 * up to `ms`: a container that has started may not listen yet (dockerd's proxy then accepts and resets), so a test
 * reading a page right after `up` waits for it as a user would. The last body, '' when none came.
 */
export async function httpAnswer(
  port: number,
  done: (body: string) => boolean = (b) => b !== '',
  ms = 5000,
): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const body = await httpGet(port).catch(() => '');
    if (done(body) || Date.now() >= end) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
}
