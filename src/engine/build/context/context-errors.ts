// The errors of build contexts and COPY/ADD, in one place so their codes and hints stay consistent.
import { EngineError, type EngineErrorKind } from '../../errors.js';

/** A received build context that cannot be unpacked: invalid ENGINE_BUILD_CONTEXT. */
export function contextError(message: string, hint?: string, cause?: unknown): EngineError {
  return new EngineError('invalid', 'ENGINE_BUILD_CONTEXT', message, {
    hint: hint ?? 'the build context archive is malformed; send it again with berth build or docker build',
    cause,
  });
}

/** A COPY or ADD that cannot be done: ENGINE_BUILD_COPY, `invalid` unless said otherwise. */
export function copyError(
  message: string,
  hint: string,
  opts: { kind?: EngineErrorKind; cause?: unknown } = {},
): EngineError {
  return new EngineError(opts.kind ?? 'invalid', 'ENGINE_BUILD_COPY', message, { hint, cause: opts.cause });
}
