// The user's streams as bytes: the process's own when the context has them (ctx.stdio), else the text callbacks
// that tests capture, with UTF-8 decoded across chunk boundaries. exec, run and cp move bytes through these.
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ReadStream, WriteStream } from 'node:tty';
import type { CliContext } from './context.js';

/** Byte writers for stdout and stderr; `flush` writes what a decoder still holds (call it once, at the end). */
export interface ByteOutput {
  stdout: (chunk: Buffer) => void;
  stderr: (chunk: Buffer) => void;
  flush: () => void;
}

export function byteOutput(ctx: CliContext): ByteOutput {
  const io = ctx.stdio;
  if (io) {
    return { stdout: (b) => void io.stdout.write(b), stderr: (b) => void io.stderr.write(b), flush: () => undefined };
  }
  const out = new StringDecoder('utf8');
  const err = new StringDecoder('utf8');
  return {
    stdout: (b) => ctx.stdout(out.write(b)),
    stderr: (b) => ctx.stderr(err.write(b)),
    flush: () => {
      const rest = [out.end(), err.end()];
      if (rest[0]) ctx.stdout(rest[0]);
      if (rest[1]) ctx.stderr(rest[1]);
    },
  };
}

/** The user's stdin as a byte stream (readStdin's text when the context has no streams). */
export function byteInput(ctx: CliContext): NodeJS.ReadableStream {
  return ctx.stdio?.stdin ?? Readable.from([Buffer.from(ctx.readStdin(), 'utf8')]);
}

/** Whether stdin and stdout are both terminals: only then do exec and run allocate a TTY (unless -T). */
export function isInteractiveTerminal(ctx: CliContext): boolean {
  const io = ctx.stdio;
  return io !== undefined && (io.stdin as ReadStream).isTTY === true && (io.stdout as WriteStream).isTTY === true;
}
