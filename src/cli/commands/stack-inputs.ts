// What a deploy reads from outside the stack model before planning: the content of each secret and config
// (files, environment variables, inline content) and the image each service runs, pinned for the swarm.
import { readFileSync } from 'node:fs';
import type { EngineClient } from '../../client/types.js';
import type { Diagnostic } from '../../errors.js';
import { BerthError } from '../../errors.js';
import type { SecretOrConfig, Stack } from '../../spec/model.js';
import type { ObjectContents } from '../../planner/swarm/convert-objects.js';

/** The base64 content of every secret and config the stack defines itself (external ones live on the swarm). */
export function readObjectContents(stack: Stack, env: Readonly<Record<string, string | undefined>>): ObjectContents {
  const read = (kind: 'secrets' | 'configs'): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [key, o] of Object.entries(stack[kind])) {
      const data = o.external ? undefined : contentOf(kind, key, o, env);
      if (data !== undefined) out[key] = data.toString('base64');
    }
    return out;
  };
  return { secrets: read('secrets'), configs: read('configs') };
}

function contentOf(
  kind: string,
  key: string,
  o: SecretOrConfig,
  env: Readonly<Record<string, string | undefined>>,
): Buffer | undefined {
  if (o.file !== undefined) {
    try {
      return readFileSync(o.file);
    } catch (e) {
      throw new BerthError('CLI_SWARM_OBJECT_FILE', `cannot read the file of ${kind}.${key}: ${o.file}`, {
        hint: 'create the file, or point file: at one that exists',
        cause: e,
      });
    }
  }
  if (o.environment !== undefined) {
    const value = env[o.environment];
    if (value === undefined) {
      throw new BerthError(
        'CLI_SWARM_OBJECT_ENV',
        `${kind}.${key} takes its content from $${o.environment}, which is not set`,
        {
          hint: `export ${o.environment}=... before deploying`,
        },
      );
    }
    return Buffer.from(value);
  }
  return o.content === undefined ? undefined : Buffer.from(o.content);
}

/**
 * The image reference each service runs on the swarm, so that every task runs the same bytes: a reference with
 * a digest is kept; an image the manager has is pinned to its registry digest (repo@sha256:...), or, when it has
 * none (built or loaded here, never pushed), to its image ID, which only nodes that hold the image can run and
 * which the swarm does not try to pull; an image the manager lacks is left for each node to pull, with a warning.
 */
export async function resolveSwarmImages(
  client: EngineClient,
  stack: Stack,
): Promise<{ images: Record<string, string>; warnings: Diagnostic[] }> {
  const images: Record<string, string> = {};
  const warnings: Diagnostic[] = [];
  // One lookup and at most one warning per image, naming every service that runs it.
  const byRef = new Map<string, string[]>();
  for (const s of Object.values(stack.services)) {
    if (s.image !== undefined) byRef.set(s.image, [...(byRef.get(s.image) ?? []), s.name]);
  }
  for (const [ref, services] of byRef) {
    const who = services.map((n) => `"${n}"`).join(', ');
    let pinned = ref;
    if (!ref.includes('@sha256:')) {
      const found = await client.images.inspect(ref);
      const digest = found?.repoDigests[0];
      if (digest) pinned = digest;
      else if (found) {
        pinned = found.id;
        warnings.push({
          code: 'CLI_SWARM_LOCAL_IMAGE',
          severity: 'warning',
          message: `image "${ref}" (${who}) is in no registry: the swarm runs it by ID ${found.id.slice(0, 19)}, on nodes that have it`,
          hint: 'push it to a registry every node can reach, for a swarm of more than this node',
        });
      } else {
        warnings.push({
          code: 'CLI_SWARM_UNPINNED_IMAGE',
          severity: 'warning',
          message: `image "${ref}" (${who}) is not on the manager: each node pulls it, and may get other bytes`,
          hint: 'pull it on the manager first (or name it by digest) to pin it',
        });
      }
    }
    for (const n of services) images[n] = pinned;
  }
  return { images, warnings };
}
