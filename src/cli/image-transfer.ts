// Pull and push through the engine with the user's credentials (the docker CLI's config and helpers); a failure
// becomes a BerthError that names the image, the registry and the engine's words, with a hint.
import { splitReference } from '../client/docker/images.js';
import { isEngineError } from '../client/errors.js';
import type { EngineClient, ProgressMessage } from '../client/types.js';
import { BerthError } from '../errors.js';
import { parseImageReference } from '../spec/image-reference.js';
import { registryAuthFor, registryKey, registryName } from './registry-auth.js';

export interface TransferOptions {
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  onMessage?: (m: ProgressMessage) => void;
}

export async function pullImage(client: EngineClient, ref: string, opts: TransferOptions): Promise<void> {
  await transfer(client, { ref, verb: 'pull' }, opts);
  await stampPullTime(client, ref);
}

export async function pushImage(client: EngineClient, ref: string, opts: TransferOptions): Promise<void> {
  await transfer(client, { ref, verb: 'push' }, opts);
}

/**
 * Tags the pulled image with its own reference, so the engine records the time: dockerd sets an image's
 * Metadata.LastTagTime on a tag but not on a pull, and the daily/weekly/every_ policies compare with that time
 * (as Compose does). The record stays with the engine, whoever pulls next, so berth keeps no state file of its own.
 */
async function stampPullTime(client: EngineClient, ref: string): Promise<void> {
  if (ref.includes('@')) return; // a digest never changes: no refresh policy needs its time
  const { name, tag } = splitReference(ref);
  await client.images.tag(ref, name, tag).catch((e: unknown) => {
    // An engine that cannot tag still pulled: the refresh policies then see an unknown time and pull again.
    if (!isEngineError(e)) throw e;
  });
}

async function transfer(
  client: EngineClient,
  what: { ref: string; verb: 'pull' | 'push' },
  opts: TransferOptions,
): Promise<void> {
  const auth = await registryAuthFor(opts.env, what.ref);
  const registry = registryName(registryKey(what.ref));
  const transferOpts = { auth, signal: opts.signal, onProgress: opts.onMessage };
  try {
    if (what.verb === 'pull') await client.images.pull(what.ref, transferOpts);
    else await client.images.push(what.ref, transferOpts);
  } catch (e) {
    if (opts.signal?.aborted) throw new BerthError('CLI_INTERRUPTED', `${what.verb} of ${what.ref} interrupted`);
    // An engine that cannot be reached says so itself; every other answer is about this image and registry.
    if (isEngineError(e) && e.kind !== 'unavailable') throw transferError(what.verb, what.ref, registry, e.message);
    throw e;
  }
}

/** The error of a failed pull or push, with a hint from what the engine said (`why`). */
export function transferError(verb: 'pull' | 'push', ref: string, registry: string, why: string): BerthError {
  // a status code as a word of its own: the 401 in a registry's port (127.0.0.1:40133) is no refusal
  const denied =
    /unauthorized|denied|authentication required|no basic auth credentials|(?<![\w.:])(401|403)(?!\w)/i.test(why);
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
