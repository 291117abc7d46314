// Pull and push through any Docker Engine API: POST /images/create and /images/{name}/push with the user's
// credentials in X-Registry-Auth. Both answer 200 and then stream JSON messages; a failure comes as an `error`
// message in the stream, so the stream is read to its end and its error turned into a BerthError that names the
// image, the registry and the engine's words, with a hint.
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { CLIENT_API_VERSION, EngineApiError } from '../client/engine-client.js';
import type { EngineClient } from '../client/engine-client.js';
import { unixRequestOptions } from '../client/endpoint.js';
import { BerthError } from '../errors.js';
import { parseImageReference } from '../spec/image-reference.js';
import { registryAuthHeader, registryKey, registryName } from './registry-auth.js';

/** One message of the engine's progress stream. */
export interface TransferMessage {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
}

export interface TransferOptions {
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  onMessage?: (m: TransferMessage) => void;
}

/** `name` and `tag` for /images/create: a digest goes in `tag` too, as the docker CLI sends it. */
export function splitReference(ref: string): { name: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: ref.slice(0, at), tag: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { name: ref, tag: 'latest' };
}

export async function pullImage(client: EngineClient, ref: string, opts: TransferOptions): Promise<void> {
  const { name, tag } = splitReference(ref);
  const path = `/images/create?${new URLSearchParams({ fromImage: name, tag }).toString()}`;
  await transfer(client, { path, ref, verb: 'pull' }, opts);
  await stampPullTime(client, ref);
}

/**
 * Tags the pulled image with its own reference, so the engine records the time: dockerd sets an image's
 * Metadata.LastTagTime on a tag but not on a pull, and the daily/weekly/every_ policies compare with that time
 * (as Compose does). The record stays with the engine, whoever pulls next, so berth keeps no state file of its own.
 */
async function stampPullTime(client: EngineClient, ref: string): Promise<void> {
  if (ref.includes('@')) return; // a digest never changes: no refresh policy needs its time
  const { name, tag } = splitReference(ref);
  await client
    .call('POST', `/images/${encodeURIComponent(ref)}/tag`, { query: { repo: name, tag } })
    .catch((e: unknown) => {
      // An engine that cannot tag still pulled: the refresh policies then see an unknown time and pull again.
      if (!(e instanceof EngineApiError)) throw e;
    });
}

export async function pushImage(client: EngineClient, ref: string, opts: TransferOptions): Promise<void> {
  const { name, tag } = splitReference(ref);
  const path = `/images/${encodeURIComponent(name)}/push?${new URLSearchParams({ tag }).toString()}`;
  await transfer(client, { path, ref, verb: 'push' }, opts);
}

async function transfer(
  client: EngineClient,
  what: { path: string; ref: string; verb: 'pull' | 'push' },
  opts: TransferOptions,
): Promise<void> {
  const auth = await registryAuthHeader(opts.env, what.ref);
  const registry = registryName(registryKey(what.ref));
  const fail = (why: string): BerthError => transferError(what.verb, what.ref, registry, why);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(
      {
        ...unixRequestOptions(client.socketPath),
        method: 'POST',
        path: `/v${CLIENT_API_VERSION}${what.path}`,
        signal: opts.signal,
        // dockerd refuses a push without the header: an empty one means anonymous (the docker CLI sends "e30=").
        headers: { 'Content-Length': 0, 'X-Registry-Auth': auth ?? 'e30=' },
      },
      resolve,
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.name === 'AbortError'
          ? new BerthError('CLI_INTERRUPTED', `${what.verb} of ${what.ref} interrupted`)
          : new BerthError(
              'ENGINE_UNREACHABLE',
              `cannot reach the engine at ${client.socketPath}: ${e.code ?? e.message}`,
              {
                hint: 'start the built-in engine with `berth engine start`, or point DOCKER_HOST at a running one',
              },
            ),
      ),
    );
    req.end();
  });
  let error: string | undefined;
  let rest = '';
  const take = (line: string): void => {
    if (line.trim() === '') return;
    let m: TransferMessage;
    try {
      m = JSON.parse(line) as TransferMessage;
    } catch {
      return; // not a message (a proxy's text): the status code and the end of the stream decide
    }
    if (m.error !== undefined || m.errorDetail?.message !== undefined) error ??= m.errorDetail?.message ?? m.error;
    else opts.onMessage?.(m);
  };
  const status = res.statusCode ?? 0;
  const body: string[] = [];
  await new Promise<void>((resolve, reject) => {
    res.on('data', (c: Buffer) => {
      const text = rest + c.toString('utf8');
      if (status >= 400) return void body.push(c.toString('utf8'));
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      lines.forEach(take);
    });
    res.on('end', () => resolve());
    res.on('error', reject);
  });
  take(rest);
  if (status >= 400) {
    const text = body.join('');
    let message = text.trim();
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw fail(message || `HTTP ${status}`);
  }
  if (error !== undefined) throw fail(error);
}

function transferError(verb: 'pull' | 'push', ref: string, registry: string, why: string): BerthError {
  const denied = /unauthorized|denied|authentication required|no basic auth credentials|401|403/i.test(why);
  const unknown = /not found|manifest unknown|does not exist|name unknown/i.test(why);
  const parsed = parseImageReference(ref);
  const hint = denied
    ? `log in with: docker login ${registry} (berth uses the docker CLI's credentials)`
    : unknown && verb === 'pull'
      ? `check the name and tag of ${ref} on ${registry}`
      : !parsed.ok
        ? parsed.hint
        : verb === 'pull'
          ? `check that ${registry} is reachable from the engine`
          : `check that ${registry} is reachable from the engine and accepts pushes`;
  return new BerthError(
    verb === 'pull' ? 'CLI_PULL_FAILED' : 'CLI_PUSH_FAILED',
    `${verb} ${ref} ${verb === 'pull' ? 'from' : 'to'} ${registry}: ${why}`,
    {
      hint,
    },
  );
}
