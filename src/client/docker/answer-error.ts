// An error answer of a Docker Engine API, as an EngineError: the kind from the HTTP status (one of the two places
// that map statuses, with berthd's api/server.ts), the message from Docker's `{message}` body, and, from berthd,
// its own `code` and `hint` beside it (Docker clients ignore the extra fields). Pure: tested on data.
import { EngineError } from '../errors.js';
import type { EngineErrorKind } from '../types.js';

/** The kind of a non-2xx status; undefined for a status that is not an error (1xx-2xx). */
export function kindOfStatus(status: number): EngineErrorKind | undefined {
  if (status === 304) return 'not-modified';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status >= 500) return 'internal';
  if (status >= 300) return 'invalid'; // 400, 413, 422... and any other refusal of the request as sent
  return undefined;
}

const CODE_OF_KIND: Record<EngineErrorKind, string> = {
  'not-found': 'ENGINE_NOT_FOUND',
  conflict: 'ENGINE_CONFLICT',
  invalid: 'ENGINE_INVALID_REQUEST',
  'not-modified': 'ENGINE_NOT_MODIFIED',
  unauthorized: 'ENGINE_UNAUTHORIZED',
  unavailable: 'ENGINE_UNREACHABLE',
  internal: 'ENGINE_INTERNAL',
};

/** The code an EngineError of `kind` has when the engine named none (dockerd never does). */
export const codeOfKind = (kind: EngineErrorKind): string => CODE_OF_KIND[kind];

/**
 * The EngineError for an answer with `status` and body `text`; `what` names the request for the hint of an
 * engine failure ("POST /containers/create"). A body that is not JSON is taken as the message itself.
 */
export function answerError(status: number, text: string, what: string): EngineError {
  const kind = kindOfStatus(status) ?? 'internal';
  let message = text.trim();
  let code: string | undefined;
  let hint: string | undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; code?: unknown; hint?: unknown };
    if (typeof body.message === 'string') message = body.message;
    // Only codes of berth's own form count: a proxy's `{"code": 500}` is not one.
    if (typeof body.code === 'string' && /^[A-Z]+_[A-Z0-9_]+$/.test(body.code)) code = body.code;
    if (typeof body.hint === 'string' && body.hint !== '') hint = body.hint;
  } catch {
    // not JSON: keep the text
  }
  if (kind === 'internal' && hint === undefined) hint = `the engine failed while ${what}; its log may say more`;
  return new EngineError(kind, code ?? codeOfKind(kind), message || `HTTP ${status}`, { hint });
}

/** The EngineError for an engine that cannot be reached at all. */
export function unreachableError(socketPath: string, e: NodeJS.ErrnoException): EngineError {
  return new EngineError(
    'unavailable',
    'ENGINE_UNREACHABLE',
    `cannot reach the engine at ${socketPath}: ${e.code ?? e.message}`,
    {
      hint: 'start the built-in engine with `berth engine start`, or point DOCKER_HOST at a running one',
      cause: e,
    },
  );
}
