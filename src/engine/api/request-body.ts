// Reads a request's JSON body with the limits dockerd's decoders imply: a size cap (a 413 before the rest is
// read), a nesting cap (a 400 before JSON.parse or anything recursive walks it), and a clear message for bad JSON.
// Streams (load, build, import, archive upload) do not come through here and have no such cap.
import type { IncomingMessage } from 'node:http';
import { EngineError } from '../errors.js';

/** The largest JSON body berthd reads: a create body is a few KiB; anything near this is a mistake or an attack. */
export const MAX_JSON_BODY = 16 * 1024 * 1024;
/** Deeper than any Docker API body (a create body nests 5 levels); Go's encoding/json stops at 10000. */
export const MAX_JSON_DEPTH = 100;

/** A body over MAX_JSON_BODY: answered 413, the one status outside the EngineError kinds (see server.ts). */
export class BodyTooLargeError extends EngineError {
  constructor(limit: number) {
    super('invalid', 'ENGINE_BODY_TOO_LARGE', `request body is larger than the limit of ${limit} bytes`, {
      hint: 'JSON bodies are limited to 16 MiB; send images and build contexts as streams',
    });
  }
}

/** The parsed body: undefined when empty (the caller decides what empty means), else any JSON value. */
export async function readJsonBody(raw: IncomingMessage, limit = MAX_JSON_BODY): Promise<unknown> {
  const declared = Number(raw.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of raw) {
    size += (c as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(c as Buffer);
  }
  return parseJsonBody(Buffer.concat(chunks));
}

/** A body already read (an upgraded request's, see server.ts): undefined when empty, else any JSON value. */
export function parseJsonBody(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  checkDepth(text, MAX_JSON_DEPTH);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new EngineError('invalid', 'ENGINE_BAD_JSON', `invalid JSON in request body: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Refuses text whose brackets nest deeper than `max`, counting only brackets outside strings. */
export function checkDepth(text: string, max: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) {
        throw new EngineError('invalid', 'ENGINE_BAD_JSON', `request body nests deeper than ${max} levels`);
      }
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
}
