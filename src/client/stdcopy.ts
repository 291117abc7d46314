// Docker's multiplexed stream (pkg/stdcopy): frames of an 8-byte header (stream type, three zero bytes, payload
// size as big-endian uint32) and the payload. Container logs, attach and exec use it whenever there is no TTY.
import { EngineError } from './errors.js';

export type StdStream = 'stdout' | 'stderr';

/**
 * The frames of `source`, in order, as raw bytes. A frame of type 3 (the engine's own error) throws with its
 * text, as stdcopy.StdCopy does; type 0 (stdin) counts as stdout, as the Docker client does.
 */
export async function* demultiplexed(
  source: AsyncIterable<Buffer | string>,
): AsyncGenerator<{ stream: StdStream; data: Buffer }> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, Buffer.from(chunk)]);
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const type = buf[0];
      const data = Buffer.from(buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
      if (type === 3) throw new EngineError('internal', 'ENGINE_STREAM_ERROR', data.toString('utf8').trim());
      yield { stream: type === 2 ? 'stderr' : 'stdout', data };
    }
  }
}

/** The same, each payload handed to `onFrame`; resolves at the end of the stream. */
export async function demultiplex(
  source: AsyncIterable<Buffer | string>,
  onFrame: (stream: StdStream, payload: Buffer) => void,
): Promise<void> {
  for await (const frame of demultiplexed(source)) onFrame(frame.stream, frame.data);
}
