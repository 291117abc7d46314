// The exec (JSON) form: used only when the arguments are a valid JSON array of strings, as Docker decides.

/** Thrown for a valid JSON array holding a non-string: Docker rejects it rather than falling back to shell form. */
export const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/** The array when `rest` is a JSON array of strings; undefined when it is not JSON (shell form); throws otherwise. */
export function parseJsonForm(rest: string): string[] | undefined {
  const text = rest.trimStart();
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v): v is string => typeof v === 'string')) throw new Error(NOT_STRING_ARRAY);
  return value;
}
