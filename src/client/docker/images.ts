// Images over the Docker Engine API: list, inspect, tag, remove, and the streamed ones (pull, push, load, build)
// whose answer is 200 followed by JSON progress messages, a failure coming as an `error` message in the stream.
import type { IncomingMessage } from 'node:http';
import { EngineError, isEngineError } from '../errors.js';
import type { EngineClient, EngineErrorKind, ProgressMessage, RegistryAuth } from '../types.js';
import { dockerBuild } from './build.js';
import { toImageDetails, toImageSummary } from './shapes.js';
import type { DockerTransport } from './transport.js';
import { filtersParam, jsonLines } from './transport.js';

type Json = Record<string, unknown>;

const at = (ref: string): string => `/images/${encodeURIComponent(ref)}`;

/** `name` and `tag` for /images/create: a digest goes in `tag` too, as the docker CLI sends it. */
export function splitReference(ref: string): { name: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: ref.slice(0, at), tag: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { name: ref, tag: 'latest' };
}

/**
 * X-Registry-Auth: URL-safe base64 of the JSON, padded, as the docker CLI's registry.EncodeAuthConfig makes it
 * (Go's base64.URLEncoding; dockerd 20.10 decodes with padding only). No credentials: "e30=" ({}), which dockerd
 * needs on a push to mean anonymous.
 */
export function encodeRegistryAuth(auth: RegistryAuth | undefined): string {
  if (auth === undefined) return 'e30=';
  return Buffer.from(JSON.stringify(auth)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function dockerImages(t: DockerTransport): EngineClient['images'] {
  return {
    async list(filter = {}) {
      const filters = filtersParam({ label: filter.labels, reference: filter.references });
      return (await t.json<Json[]>('GET', '/images/json', { query: { filters } })).map(toImageSummary);
    },
    async inspect(ref) {
      try {
        return toImageDetails(await t.json<Json>('GET', `${at(ref)}/json`));
      } catch (e) {
        if (isEngineError(e, 'not-found')) return undefined;
        throw e;
      }
    },
    tag: (ref, repo, tag) => t.empty('POST', `${at(ref)}/tag`, { query: { repo, tag } }),
    remove: (ref, opts = {}) =>
      t.empty('DELETE', at(ref), {
        query: { force: opts.force ? 1 : undefined, noprune: opts.noPrune ? 1 : undefined },
      }),
    async pull(ref, opts = {}) {
      const { name, tag } = splitReference(ref);
      const res = await t.ok('POST', '/images/create', {
        query: { fromImage: name, tag, platform: opts.platform },
        headers: { 'X-Registry-Auth': encodeRegistryAuth(opts.auth) },
        signal: opts.signal,
      });
      await readProgress(res, 'ENGINE_PULL_FAILED', opts.onProgress);
    },
    async push(ref, opts = {}) {
      const { name, tag } = splitReference(ref);
      const res = await t.ok('POST', `${at(name)}/push`, {
        query: { tag },
        headers: { 'X-Registry-Auth': encodeRegistryAuth(opts.auth) },
        signal: opts.signal,
      });
      await readProgress(res, 'ENGINE_PUSH_FAILED', opts.onProgress);
    },
    async load(tar, opts = {}) {
      const res = await t.ok('POST', '/images/load', {
        query: { quiet: 1 }, // no progress bars: the messages say what was loaded
        body: tar,
        contentType: 'application/x-tar',
        signal: opts.signal,
      });
      await readProgress(res, 'ENGINE_LOAD_FAILED', opts.onProgress);
    },
    async distribution(ref, auth) {
      const answer = await t.json<{ Descriptor?: Json; Platforms?: Json[] }>('GET', `/distribution/${ref}/json`, {
        headers: { 'X-Registry-Auth': encodeRegistryAuth(auth) },
      });
      const d = answer.Descriptor ?? {};
      return {
        digest: String(d.digest ?? ''),
        mediaType: String(d.mediaType ?? ''),
        platforms: (answer.Platforms ?? []).map((p) => ({
          os: String(p.os ?? ''),
          architecture: String(p.architecture ?? ''),
          ...(typeof p.variant === 'string' && p.variant !== '' ? { variant: p.variant } : {}),
        })),
      };
    },
    build: (req) => dockerBuild(t, req),
  };
}

/**
 * Reads a progress stream to its end, handing each message on; the stream's first error is thrown, with a kind
 * read from its words (registries answer in text, the engine passes it on).
 */
export async function readProgress(
  res: IncomingMessage,
  code: string,
  onProgress?: (m: ProgressMessage) => void,
): Promise<void> {
  let error: string | undefined;
  for await (const line of jsonLines(res)) {
    if (typeof line !== 'object' || line === null) continue; // not a message (a proxy's text)
    const m = line as ProgressMessage & { errorDetail?: { message?: string } };
    if (m.error !== undefined || m.errorDetail?.message !== undefined) error ??= m.errorDetail?.message ?? m.error;
    else onProgress?.(m);
  }
  if (error !== undefined) throw new EngineError(kindOfTransferError(error), code, error);
}

function kindOfTransferError(why: string): EngineErrorKind {
  if (/unauthorized|denied|authentication required|no basic auth credentials|\b40[13]\b/i.test(why))
    return 'unauthorized';
  if (/not found|manifest unknown|does not exist|name unknown/i.test(why)) return 'not-found';
  if (/connection refused|no such host|timeout|i\/o timeout|unreachable/i.test(why)) return 'unavailable';
  return 'internal';
}
