// The one file of the Swarm client that knows how requests reach the engine: a DockerTransport on the client's
// socket (src/client/docker/transport.ts), with Swarm's own reading of statuses (503: not a manager; a 500 "update
// out of sequence": a conflict), so every failure is an EngineError.
import { answerError } from '../docker/answer-error.js';
import { DockerTransport, type Query, parseAnswer, readText } from '../docker/transport.js';
import { EngineError, isEngineError } from '../errors.js';
import type { EngineClient, EngineErrorKind } from '../types.js';

/** JSON requests to the Docker Engine API; a failure is always an EngineError. */
export interface SwarmTransport {
  call<T>(method: string, path: string, opts?: { query?: Query; body?: unknown }): Promise<T>;
  /** A GET whose not-found answer is `undefined`. */
  find<T>(path: string): Promise<T | undefined>;
}

export function swarmTransport(client: EngineClient): SwarmTransport {
  const t = new DockerTransport(client.endpoint);
  const call = async <T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> => {
    const what = `${method} ${path}`;
    const res = await t.send(method, path, opts);
    const status = res.statusCode ?? 0;
    const text = await readText(res);
    if (status >= 200 && status < 300) return parseAnswer<T>(text, what);
    throw swarmError(status, text, what);
  };
  return {
    call,
    find: async <T>(path: string): Promise<T | undefined> => {
      try {
        return await call<T>('GET', path);
      } catch (e) {
        if (isEngineError(e, 'not-found')) return undefined;
        throw e;
      }
    },
  };
}

/** Docker's statuses: 404 not found, 409 conflict, 400 refused, 503 "not a swarm manager" (or no swarm). */
export function kindOfStatus(status: number): EngineErrorKind {
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 503) return 'unavailable';
  if (status >= 400 && status < 500) return 'invalid';
  return 'internal';
}

function swarmError(status: number, text: string, what: string): EngineError {
  const e = answerError(status, text, what);
  // swarmkit's optimistic lock: dockerd passes "update out of sequence" (store.ErrSequenceConflict) on as a 500
  if (e.message.includes('update out of sequence')) {
    return new EngineError('conflict', 'ENGINE_CONFLICT', `${e.message} (${what})`, {
      hint: 'the service changed since it was read: plan again',
      cause: e,
    });
  }
  const kind = kindOfStatus(status);
  const code = kind === 'unavailable' ? 'ENGINE_NOT_SWARM_MANAGER' : `ENGINE_${kind.toUpperCase().replace('-', '_')}`;
  const hint =
    kind === 'unavailable'
      ? 'point -H/DOCKER_HOST/--context at a swarm manager (on a dockerd: `docker swarm init`)'
      : kind === 'internal'
        ? `the engine failed while ${what}; its log may say more`
        : undefined;
  return new EngineError(kind, code, e.message, { hint, cause: e });
}
