// The one file of the Swarm client that knows how requests reach the engine: the Docker transport of
// src/client/docker carries them, and the statuses a swarm manager answers become EngineError kinds here
// (503: not a manager; swarmkit's sequence conflict, which dockerd passes on as a 500, is a conflict).
import { DockerTransport, filtersParam, parseAnswer, readText } from '../docker/transport.js';
import type { Query } from '../docker/transport.js';
import { answerError } from '../docker/answer-error.js';
import { EngineError } from '../errors.js';
import type { EngineErrorKind } from '../types.js';

/** JSON requests to the Docker Engine API; a failure is always an EngineError. */
export interface SwarmTransport {
  call<T>(method: string, path: string, opts?: { query?: Query; body?: unknown }): Promise<T>;
  /** A GET whose not-found answer is `undefined`. */
  find<T>(path: string): Promise<T | undefined>;
  close(): void;
}

/** Docker's `filters` parameter, or nothing when no filter is set. */
export const filters = (f: Record<string, readonly string[]>): string | undefined => filtersParam(f);

export function swarmTransport(socketPath: string): SwarmTransport {
  const transport = new DockerTransport(socketPath);
  const call = async <T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> => {
    const res = await transport.send(method, path, opts);
    const status = res.statusCode ?? 0;
    const text = await readText(res);
    if (status >= 200 && status < 300) return parseAnswer<T>(text, `${method} ${path}`);
    throw swarmError(status, text, `${method} ${path}`);
  };
  return {
    call,
    find: async <T>(path: string): Promise<T | undefined> => {
      try {
        return await call<T>('GET', path);
      } catch (e) {
        if (e instanceof EngineError && e.kind === 'not-found') return undefined;
        throw e;
      }
    },
    close: () => transport.close(),
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
  const base = answerError(status, text, what);
  // swarmkit's optimistic lock: dockerd passes "update out of sequence" (store.ErrSequenceConflict) on as a 500
  if (base.message.includes('update out of sequence')) {
    return new EngineError('conflict', 'ENGINE_CONFLICT', `${base.message} (${what})`, {
      hint: 'the service changed since it was read: plan again',
      cause: base,
    });
  }
  const kind = kindOfStatus(status);
  if (kind === 'unavailable') {
    return new EngineError(kind, 'ENGINE_NOT_SWARM_MANAGER', base.message, {
      hint: 'point -H/DOCKER_HOST/--context at a swarm manager (on a dockerd: `docker swarm init`)',
      cause: base,
    });
  }
  return kind === base.kind ? base : new EngineError(kind, base.code, base.message, { hint: base.hint, cause: base });
}
