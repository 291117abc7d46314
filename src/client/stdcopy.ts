// Docker's multiplexed stream (pkg/stdcopy): frames of an 8-byte header (stream type, three zero bytes, payload
// size as big-endian uint32) and the payload. Container logs, attach and exec use it whenever there is no TTY.
import { BerthError } from '../errors.js';

export type StdStream = 'stdout' | 'stderr';

/**
 * Splits `source` into its frames and hands each payload over as raw bytes, in order; resolves at the end of
 * the stream. A frame of type 3 (the engine's own error) rejects with its text, as stdcopy.StdCopy does.
 */
export async function demultiplex(
  source: AsyncIterable<Buffer | string>,
  onFrame: (stream: StdStream, payload: Buffer) => void,
): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, Buffer.from(chunk)]);
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const type = buf[0];
      const payload = buf.subarray(8, 8 + size);
      buf = buf.subarray(8 + size);
      if (type === 3) throw new BerthError('ENGINE_STREAM_ERROR', payload.toString('utf8').trim());
      // type 0 (stdin) is written to stdout, as the Docker client does
      onFrame(type === 2 ? 'stderr' : 'stdout', payload);
    }
  }
}
