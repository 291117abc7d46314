// The largest stack file berth reads, on its own: read.ts checks a file's size against it before reading, without
// loading the YAML parser that parse.ts (which checks a text's length against it) brings.

/** A stack file larger than this is refused (SPEC_FILE_TOO_LARGE), by its size before it is read and by its length. */
export const MAX_STACK_FILE_BYTES = 10 * 1024 * 1024;
