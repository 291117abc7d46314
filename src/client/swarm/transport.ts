// The one file of the Swarm client that knows how requests reach the engine: today's EngineClient class
// (../engine-client.ts) carries them, and its HTTP statuses become EngineError kinds here. When the transport
// moves (src/client/docker/transport.ts), only this file changes.
import { EngineApiError, type EngineClient, type Query } from '../engine-client.js';
import { EngineError } from '../errors.js';
import type { EngineErrorKind } from '../types.js';

/** JSON requests to the Docker Engine API; a failure is always an EngineError. */
export interface SwarmTransport {
  call<T>(method: string, path: string, opts?: { query?: Query; body?: unknown }): Promise<T>;
  /** A GET whose not-found answer is `undefined`. */
  find<T>(path: string): Promise<T | undefined>;
}

export function swarmTransport(client: EngineClient): SwarmTransport {
  const call = async <T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> => {
    try {
      return await client.call<T>(method, path, opts);
    } catch (e) {
      throw toEngineError(e, `${method} ${path}`);
    }
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

function toEngineError(e: unknown, what: string): unknown {
  if (e instanceof EngineError) return e;
  if (e instanceof EngineApiError) {
    // swarmkit's optimistic lock: dockerd passes "update out of sequence" (store.ErrSequenceConflict) on as a 500
    if (e.message.includes('update out of sequence')) {
      return new EngineError('conflict', 'ENGINE_CONFLICT', `${e.message} (${what})`, {
        hint: 'the service changed since it was read: plan again',
        cause: e,
      });
    }
    const kind = kindOfStatus(e.status);
    const code = kind === 'unavailable' ? 'ENGINE_NOT_SWARM_MANAGER' : `ENGINE_${kind.toUpperCase().replace('-', '_')}`;
    const hint =
      kind === 'unavailable'
        ? 'point -H/DOCKER_HOST/--context at a swarm manager (on a dockerd: `docker swarm init`)'
        : kind === 'internal'
          ? `the engine failed while ${what}; its log may say more`
          : undefined;
    return new EngineError(kind, code, e.message, { hint, cause: e });
  }
  // ENGINE_UNREACHABLE from the socket: keep its code and hint, as the kind every caller knows.
  if (e instanceof Error && 'code' in e && (e as { code: unknown }).code === 'ENGINE_UNREACHABLE') {
    return new EngineError('unavailable', 'ENGINE_UNREACHABLE', e.message, {
      hint: (e as { hint?: string }).hint,
      cause: e,
    });
  }
  return e;
}
