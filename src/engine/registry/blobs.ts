// Blobs over the distribution API. Download: a byte stream that resumes an interrupted transfer with a Range request
// (the content store hashes and verifies it as it is written). Upload: HEAD first, a cross-repository mount when the
// blob is known to be in another repository of the same registry, else a monolithic PUT or, for big blobs, PATCH
// chunks and a closing PUT.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Digest } from '../content/digest.js';
import { EngineError } from '../errors.js';
import type { RegistryClient } from './registry-client.js';
import { fromResponse } from './registry-errors.js';

const MAX_RESUMES = 3;

/** The bytes of blob `digest` of `repo` (size known from its descriptor); `onBytes` gets each chunk's length. */
export function blobStream(
  client: RegistryClient,
  repo: string,
  blob: { digest: Digest; size: number },
  onBytes: (n: number) => void = () => undefined,
): Readable {
  const what = `blob ${blob.digest} of ${client.registry}/${repo}`;
  async function* bytes(): AsyncGenerator<Buffer> {
    let received = 0;
    for (let resumes = 0; ; resumes++) {
      const range = received > 0 ? { Range: `bytes=${received}-` } : undefined;
      const res = await client.expectOk(
        { method: 'GET', path: `/v2/${repo}/blobs/${blob.digest}`, scope: `repository:${repo}:pull`, headers: range },
        what,
      );
      let skip = received > 0 && res.status !== 206 ? received : 0; // the server ignored Range: drop what we have
      try {
        for await (const raw of res.body) {
          let chunk = raw as Buffer;
          if (skip > 0) {
            const drop = Math.min(skip, chunk.length);
            skip -= drop;
            chunk = chunk.subarray(drop);
            if (chunk.length === 0) continue;
          }
          received += chunk.length;
          if (received > blob.size) throw tooLong(what, blob.size);
          onBytes(chunk.length);
          yield chunk;
        }
      } catch (e) {
        if (e instanceof EngineError || resumes >= MAX_RESUMES) throw e;
        continue; // the connection broke mid-blob: ask for the rest
      }
      // A body that ended cleanly is all the registry has: a wrong size is then for the digest check to report.
      return;
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}

/** Whether the registry has the blob in `repo` (HEAD). */
export async function hasBlob(client: RegistryClient, repo: string, digest: Digest): Promise<boolean> {
  const res = await client.request({
    method: 'HEAD',
    path: `/v2/${repo}/blobs/${digest}`,
    scope: `repository:${repo}:pull,push`,
  });
  res.body.resume();
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw await fromResponse(client.registry, res, `blob ${digest} of ${repo}`);
}

export interface UploadResult {
  how: 'exists' | 'mounted' | 'pushed';
}

/**
 * Puts the blob stored at `path` into `repo`. `mountFrom`: another repository of this registry that has it.
 * Blobs larger than `chunkSize` go up in PATCH chunks.
 */
export async function uploadBlob(
  client: RegistryClient,
  repo: string,
  blob: { digest: Digest; size: number; path: string },
  opts: { mountFrom?: string; chunkSize?: number; onBytes?: (n: number) => void } = {},
): Promise<UploadResult> {
  if (await hasBlob(client, repo, blob.digest)) return { how: 'exists' };
  const scope = `repository:${repo}:pull,push${opts.mountFrom ? ` repository:${opts.mountFrom}:pull` : ''}`;
  const what = `upload of ${blob.digest} to ${client.registry}/${repo}`;
  const query = opts.mountFrom ? `?mount=${blob.digest}&from=${encodeURIComponent(opts.mountFrom)}` : '';
  const start = await client.expectOk({ method: 'POST', path: `/v2/${repo}/blobs/uploads/${query}`, scope }, what);
  start.body.resume();
  if (start.status === 201) return { how: 'mounted' };
  let location = uploadLocation(start.headers.location, client, what);
  const chunkSize = opts.chunkSize ?? 32 << 20;
  let offset = 0;
  if (blob.size > chunkSize) {
    for (; offset < blob.size; offset += chunkSize) {
      const end = Math.min(offset + chunkSize, blob.size) - 1;
      const from = offset;
      const res = await client.expectOk(
        {
          method: 'PATCH',
          path: location.href,
          scope,
          headers: {
            'Content-Type': 'application/octet-stream',
            'Content-Length': String(end - from + 1),
            'Content-Range': `${from}-${end}`,
          },
          body: () => counted(createReadStream(blob.path, { start: from, end }), opts.onBytes),
          retries: 0,
        },
        what,
      );
      res.body.resume();
      location = uploadLocation(res.headers.location, client, what);
    }
  }
  location.searchParams.set('digest', blob.digest);
  const last = offset < blob.size;
  const done = await client.expectOk(
    {
      method: 'PUT',
      path: location.href,
      scope,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(last ? blob.size : 0) },
      ...(last ? { body: () => counted(createReadStream(blob.path), opts.onBytes) } : { body: Buffer.alloc(0) }),
      retries: 0,
    },
    what,
  );
  done.body.resume();
  return { how: 'pushed' };
}

function counted(stream: Readable, onBytes: ((n: number) => void) | undefined): Readable {
  if (onBytes !== undefined) stream.on('data', (c: Buffer) => onBytes(c.length));
  return stream;
}

function uploadLocation(location: string | undefined, client: RegistryClient, what: string): URL {
  if (location === undefined) {
    throw new EngineError('unavailable', 'ENGINE_REGISTRY_ERROR', `${what}: the registry gave no upload location`);
  }
  return new URL(location, client.base);
}

function tooLong(what: string, size: number): EngineError {
  return new EngineError('invalid', 'ENGINE_DIGEST_MISMATCH', `${what} is longer than its ${size} bytes`, {
    hint: 'the registry serves different content than the manifest describes',
  });
}
