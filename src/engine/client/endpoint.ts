// Where the engine is: DOCKER_HOST (unix:// only for now) or berthd's socket (BERTH_SOCKET, default
// /run/berth/berth.sock), and a ping that says whether something answers there. The CLI's only door to an engine.
import { request } from 'node:http';

export interface EngineEndpoint {
  socketPath: string;
  /** true when it is berth's own engine (not a DOCKER_HOST the user chose). */
  builtIn: boolean;
}

export function engineEndpoint(env: Readonly<Record<string, string | undefined>>): EngineEndpoint {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return { socketPath: host.slice('unix://'.length), builtIn: false };
  return { socketPath: env.BERTH_SOCKET ?? '/run/berth/berth.sock', builtIn: true };
}

/** GET /version on the socket; undefined when nothing answers within `timeoutMs`. */
export function pingEngine(
  socketPath: string,
  timeoutMs = 1000,
): Promise<{ version: string; apiVersion: string } | undefined> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/version', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        try {
          const v = JSON.parse(body) as { Version: string; ApiVersion: string };
          resolve({ version: v.Version, apiVersion: v.ApiVersion });
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => {
      req.destroy();
      resolve(undefined);
    });
    req.end();
  });
}
