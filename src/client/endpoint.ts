// Where the engine is, by the docker CLI's rules: --host, then --context, then DOCKER_HOST, then DOCKER_CONTEXT,
// then the current context of the docker CLI's config; with none of them (or the context "default"), berthd's
// socket (BERTH_SOCKET, default /run/berth/berth.sock). Plus a ping that says whether something answers there.
import { request } from 'node:http';
import { connect } from 'node:net';
import { BerthError } from '../errors.js';
import { type ContextFiles, resolveContext } from './docker-context.js';

export interface EngineEndpoint {
  socketPath: string;
  /** true when it is berth's own engine (not one the user chose). */
  builtIn: boolean;
  /** What chose it, for messages: "--host", "DOCKER_HOST", "context \"x\"", or "berthd". */
  source: string;
}

/** The global flags that choose an engine. */
export interface EngineChoice {
  host?: string;
  context?: string;
}

export function engineEndpoint(
  env: Readonly<Record<string, string | undefined>>,
  choice: EngineChoice = {},
  files?: ContextFiles,
): EngineEndpoint {
  const builtIn = (): EngineEndpoint => ({
    socketPath: env.BERTH_SOCKET ?? '/run/berth/berth.sock',
    builtIn: true,
    source: 'berthd',
  });
  const fromHost = (host: string, source: string): EngineEndpoint => ({
    socketPath: unixSocketOf(host, source),
    builtIn: false,
    source,
  });
  const fromContext = (name: string, source: string): EngineEndpoint => {
    if (name === 'default') return builtIn();
    const host = resolveContext(name, env, files);
    return host === undefined ? builtIn() : fromHost(host, `${source} "${name}"`);
  };
  if (choice.host) return fromHost(choice.host, '--host');
  if (choice.context) return fromContext(choice.context, '--context');
  if (env.DOCKER_HOST) return fromHost(env.DOCKER_HOST, 'DOCKER_HOST');
  if (env.DOCKER_CONTEXT) return fromContext(env.DOCKER_CONTEXT, 'DOCKER_CONTEXT');
  const current = resolveContext(undefined, env, files);
  if (current !== undefined) return fromHost(current, "the docker CLI's current context");
  return builtIn();
}

/** The socket path of a unix:// address; other schemes are refused with a way around. */
function unixSocketOf(host: string, source: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  const scheme = /^([a-z]+):\/\//.exec(host)?.[1] ?? host;
  throw new BerthError('CLI_ENGINE_ADDRESS', `${source} is "${host}": berth reaches engines over unix sockets only`, {
    hint:
      scheme === 'tcp' || scheme === 'ssh'
        ? 'forward the remote socket to a local one, e.g. ssh -nNT -L /tmp/docker.sock:/var/run/docker.sock HOST, then use unix:///tmp/docker.sock'
        : 'give an address like unix:///var/run/docker.sock',
  });
}

/**
 * Options for an HTTP request over a unix socket. `servername: ''` stops Node's Agent from working out a TLS server
 * name from the host, which costs the first request ~8 ms (it compiles Node's IPv6 address pattern) for nothing.
 */
export function unixRequestOptions(socketPath: string): { socketPath: string; servername: string } {
  return { socketPath, servername: '' };
}

/**
 * Whether something accepts a connection on the socket within `timeoutMs`. What a command checks before it talks to
 * the engine: a connection costs a start ~10 ms less than pingEngine's request on a connection of its own, and a
 * socket left by an engine that has gone refuses it all the same.
 */
export function engineListens(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const done = (up: boolean): void => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** GET /version on the socket; undefined when nothing answers within `timeoutMs`. */
export function pingEngine(
  socketPath: string,
  timeoutMs = 1000,
): Promise<{ version: string; apiVersion: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(
      { ...unixRequestOptions(socketPath), path: '/version', method: 'GET', timeout: timeoutMs },
      (res) => {
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
      },
    );
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => {
      req.destroy();
      resolve(undefined);
    });
    req.end();
  });
}
