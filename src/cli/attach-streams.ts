// Connects a hijacked exec or attach stream to the user's streams, as the Docker CLI does (cli/command/container
// hijack.go): output to stdout and stderr (demultiplexed unless a TTY), stdin copied in and its EOF passed on as
// a half-close, the terminal in raw mode for a TTY, and its size sent at the start and on every resize.
import type { ReadStream, WriteStream } from 'node:tty';
import type { ProcessStream } from '../client/types.js';
import { demultiplex } from '../client/stdcopy.js';
import { BerthError } from '../errors.js';
import type { CliContext } from './context.js';
import { byteOutput } from './stdio.js';

export interface AttachOptions {
  /** The process has a TTY: output is raw bytes, and a terminal stdin goes to raw mode. */
  tty: boolean;
  /** Copy the user's stdin to the process; without it the process gets EOF at once. */
  stdin: boolean;
  /** Sends the terminal's size (POST /exec/{id}/resize); errors are ignored, as an engine may lack it. */
  resize?: (rows: number, columns: number) => Promise<unknown>;
  /** Ctrl-C: by default the stream is dropped; `run` passes the signal on to the container instead. */
  onInterrupt?: () => void;
}

/** Pumps both ways until the output ends; `interrupted` says whether ctx.signal cut it short. */
export async function attachStreams(
  ctx: CliContext,
  stream: ProcessStream,
  opts: AttachOptions,
): Promise<{ interrupted: boolean }> {
  const out = byteOutput(ctx);
  const stopInput = pumpInput(ctx, stream, opts);
  const stopResize = watchSize(ctx, opts);
  const signal = ctx.signal;
  const onAbort = (): void => (opts.onInterrupt ? opts.onInterrupt() : stream.close());
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (opts.tty) for await (const chunk of stream.output) out.stdout(Buffer.from(chunk as Buffer));
    else await demultiplex(stream.output as AsyncIterable<Buffer>, (s, payload) => out[s](payload));
  } catch (e) {
    // A dropped connection ends the iteration with an error; after Ctrl-C that is the expected way out.
    if (!signal?.aborted) {
      if (e instanceof BerthError) throw e;
      throw new BerthError('ENGINE_STREAM_BROKEN', `the connection to the engine broke: ${(e as Error).message}`, {
        cause: e,
      });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stopInput();
    stopResize();
    out.flush();
  }
  return { interrupted: signal?.aborted === true && !opts.onInterrupt };
}

function pumpInput(ctx: CliContext, stream: ProcessStream, opts: AttachOptions): () => void {
  const input = stream.input;
  if (!input) return () => undefined;
  input.on('error', () => undefined); // the process may exit before it has read its input
  if (!opts.stdin) {
    input.end();
    return () => undefined;
  }
  if (!ctx.stdio) {
    const text = ctx.readStdin();
    if (text) input.write(text);
    input.end();
    return () => undefined;
  }
  const stdin = ctx.stdio.stdin as ReadStream;
  const raw = opts.tty && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) stdin.setRawMode(true);
  const onData = (chunk: Buffer | string): void => void input.write(chunk);
  const onEnd = (): void => void input.end();
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.pause();
    if (raw) stdin.setRawMode(false);
    // A paused pipe or terminal must not keep berth alive once the process in the container is done.
    (stdin as { unref?: () => void }).unref?.();
  };
}

function watchSize(ctx: CliContext, opts: AttachOptions): () => void {
  const out = ctx.stdio?.stdout as WriteStream | undefined;
  const resize = opts.resize;
  if (!opts.tty || !resize || out?.isTTY !== true) return () => undefined;
  const send = (): void => void resize(out.rows, out.columns).catch(() => undefined);
  send();
  out.on('resize', send);
  return () => void out.off('resize', send);
}
