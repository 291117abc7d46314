// Archives arrive plain or compressed, and nothing but their first bytes says which (Docker's
// DetectCompression): gzip is undone in-process, bzip2 and xz by the system's own tools.
import { spawn } from 'node:child_process';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { EngineError } from '../errors.js';

/** What the first bytes of a stream say about it. */
export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const MAGIC: ReadonlyArray<[Compression, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b, 0x08]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

export function detectCompression(head: Buffer): Compression {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) return kind;
  }
  return 'none';
}

/** Reads at least `size` bytes (fewer at the end of the stream) and returns them with the whole stream again. */
export async function peek(source: Readable, size: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks = source[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const next = await chunks.next();
    if (next.done === true) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    seen.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(seen);
  const stream = Readable.from(
    (async function* () {
      if (head.length > 0) yield head;
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value as Buffer;
    })(),
    { objectMode: false },
  );
  stream.once('close', () => source.destroy()); // a consumer that gives up must not leave a file open
  return { head, stream };
}

/** The uncompressed bytes of `stream`; bzip2, xz and zstd go through `bzip2 -dc`, `xz -dc` and `zstd -dc`. */
export function decompress(stream: Readable, kind: Compression): Readable {
  if (kind === 'none') return stream;
  // 256 KiB out at a time instead of zlib's 16 KiB: a tenth of the callbacks, hash updates and writes per layer
  // (gunzip + sha256 of a 25 MB layer: 110-170 ms -> 75-120 ms; see BENCHMARKS.md, registry pull).
  if (kind === 'gzip') return pipeline(stream, createGunzip({ chunkSize: 256 * 1024 }), () => undefined);
  return throughTool(stream, kind);
}

function throughTool(stream: Readable, tool: 'bzip2' | 'xz' | 'zstd'): Readable {
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = child.stdout;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined); // EPIPE when the tool stops early; its exit status tells why
  stream.on('error', (e) => out.destroy(e));
  stream.pipe(child.stdin);
  child.on('error', (e: NodeJS.ErrnoException) => {
    const missing = e.code === 'ENOENT';
    out.destroy(
      new EngineError(missing ? 'unavailable' : 'internal', 'ENGINE_TOOL_MISSING', `cannot run "${tool}"`, {
        hint: missing ? `install ${tool} on the berthd host (apt-get install ${tool})` : undefined,
        cause: e,
      }),
    );
  });
  child.on('close', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') out.destroy(new Error(`${tool} -dc failed: ${stderr.trim()}`));
  });
  out.once('close', () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    stream.destroy();
  });
  return out;
}
