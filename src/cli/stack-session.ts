// What every stack command starts with: the loaded stack, a client for its engine, and what the engine runs of the
// project. Images are resolved here (and pulled when missing and pullable), so the planner gets plain IDs.
import type { EngineClient } from '../engine/client/engine-client.js';
import { BerthError } from '../errors.js';
import type { Service, Stack } from '../spec/model.js';
import type { Observed } from '../planner/observed.js';
import { observeProject } from '../planner/observed.js';
import { connectEngine } from './connect.js';
import type { CliContext, ProjectOptions } from './context.js';
import { loadProjectFiles } from './load-project.js';

export interface StackSession {
  stack: Stack;
  files: string[];
  projectDir: string;
  client: EngineClient;
  observed: Observed;
}

export async function openSession(
  ctx: CliContext,
  opts: ProjectOptions,
  services: readonly string[] = [],
): Promise<StackSession> {
  const { stack, files, projectDir } = loadProjectFiles(ctx, opts, services);
  for (const s of services) {
    if (!stack.services[s]) {
      throw new BerthError('CLI_NO_SUCH_SERVICE', `no such service: ${s}`, {
        hint: `the stack has: ${Object.keys(stack.services).sort().join(', ')}`,
      });
    }
  }
  const client = await connectEngine(ctx, opts);
  const observed = await observeProject(client, stack.name);
  return { stack, files, projectDir, client, observed };
}

/** The image a service runs: its `image:`, or `<project>-<service>` for a service that is built. */
export function serviceImage(stack: Stack, service: Service): string {
  return service.image ?? `${stack.name}-${service.name}`;
}

/**
 * Resolves each service's image to its ID on the engine, pulling what is missing (and says what it pulls); `pull`
 * is Compose's --pull policy for services that are not built. `unbuilt`: services whose image a dry run would build.
 */
export async function resolveImages(
  session: StackSession,
  services: readonly string[],
  say: (line: string) => void,
  opts: { pull?: 'always' | 'missing' | 'never'; unbuilt?: ReadonlySet<string> } = {},
): Promise<Record<string, { ref: string; id: string }>> {
  const { client, stack } = session;
  const out: Record<string, { ref: string; id: string }> = {};
  const byRef = new Map<string, Promise<string>>();
  const resolve = (ref: string, pull: 'always' | 'missing' | 'never'): Promise<string> => {
    let p = byRef.get(ref);
    if (!p) {
      p = (async (): Promise<string> => {
        const found =
          pull === 'always' ? undefined : await client.find<{ Id: string }>(`/images/${encodeURIComponent(ref)}/json`);
        if (found) return found.Id;
        if (pull === 'never') {
          throw new BerthError(
            'PLAN_IMAGE_MISSING',
            `image ${ref} is not on the engine, and --pull never forbids pulling it`,
            {
              hint: 'load it with `docker load`, or allow pulling with --pull missing',
            },
          );
        }
        say(` ${ref} Pulling`);
        const [name, tag] = splitTag(ref);
        try {
          await client.call('POST', '/images/create', { query: { fromImage: name, tag } });
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new BerthError(
            'PLAN_IMAGE_MISSING',
            `image ${ref} is not on the engine and could not be pulled: ${why}`,
            {
              hint: 'load it with `docker load`, import it, or build it',
            },
          );
        }
        const pulled = await client.find<{ Id: string }>(`/images/${encodeURIComponent(ref)}/json`);
        if (!pulled) throw new BerthError('PLAN_IMAGE_MISSING', `image ${ref} is still missing after the pull`);
        return pulled.Id;
      })();
      byRef.set(ref, p);
    }
    return p;
  };
  await Promise.all(
    services.map(async (name) => {
      const service = stack.services[name] as Service;
      const ref = serviceImage(stack, service);
      // A service that is built (its image is made, not pulled) and not built yet, as in a dry run.
      if (opts.unbuilt?.has(name)) out[name] = { ref, id: '(to be built)' };
      else
        out[name] = { ref, id: await resolve(ref, service.build !== undefined ? 'missing' : (opts.pull ?? 'missing')) };
    }),
  );
  return out;
}

function splitTag(ref: string): [string, string | undefined] {
  const at = ref.indexOf('@');
  if (at >= 0) return [ref.slice(0, at), ref.slice(at + 1)];
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}
