// The result every short-syntax parser returns: parsers never throw on bad input, the loader turns a failure
// into a Diagnostic with its own code and position.

/**
 * The outcome of parsing one value written by a user. On failure, `message` names the bad value in double
 * quotes, in Compose terms, with no trailing period; `hint` is the next action and is left out rather than
 * repeating the message.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; hint?: string };

export function parsedOk<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function parsedError(message: string, hint?: string): Parsed<never> {
  return hint === undefined ? { ok: false, message } : { ok: false, message, hint };
}
