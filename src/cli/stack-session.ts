// What every stack command starts with: the loaded stack, a client for its engine, and what the engine runs of the
// project. Images are resolved here (and pulled when missing and pullable), so the planner gets plain IDs.
import type { EngineClient } from '../client/types.js';
import { BerthError } from '../errors.js';
import type { Service, Stack } from '../spec/model.js';
import type { Observed } from '../client/observe.js';
import { observeProject } from '../client/observe.js';
import { connectEngine } from './connect.js';
import type { CliContext, ProjectOptions } from './context.js';
import { loadProjectFiles } from './load-project.js';
import type { Drift, LockFile } from '../lock/model.js';
import { type LockMode, applyLock, isFrozen } from './lock-use.js';

export interface StackSession {
  stack: Stack;
  files: string[];
  projectDir: string;
  client: EngineClient;
  observed: Observed;
  /** The environment berth runs in: where pulls find the docker CLI's config (DOCKER_CONFIG, HOME). */
  env: Readonly<Record<string, string | undefined>>;
  /** berth.lock, when the command uses it (see lock-use.ts); `drift`: how today differs from it, when computed. */
  lock?: LockFile;
  drift?: Drift[];
  /** --frozen or BERTH_FROZEN: build-time choices (--build-arg) must match the lock too. */
  frozen?: boolean;
}

/**
 * `observe: false` is for a command that acts on images only (`build`): the project is not looked at (three requests
 * fewer) and `observed` is empty.
 */
export async function openSession(
  ctx: CliContext,
  opts: ProjectOptions,
  services: readonly string[] = [],
  lockMode: LockMode = 'ignore',
  { observe = true }: { observe?: boolean } = {},
): Promise<StackSession> {
  const { stack, files, projectDir, client } = await openStack(ctx, opts, services);
  const observed = observe ? await observeProject(client, stack.name) : { containers: [], networks: [], volumes: [] };
  const session: StackSession = { stack, files, projectDir, client, observed, env: ctx.env };
  try {
    await applyLock(ctx, session, lockMode, isFrozen(opts.frozen, ctx.env));
  } catch (e) {
    client.close();
    throw e;
  }
  return session;
}

/**
 * The stack and a client for its engine, without observing the project (three requests): for a command that only
 * lists the project's containers, as `ps` does.
 */
export async function openStack(
  ctx: CliContext,
  opts: ProjectOptions,
  services: readonly string[] = [],
): Promise<{ stack: Stack; files: string[]; projectDir: string; client: EngineClient }> {
  const { stack, files, projectDir } = loadProjectFiles(ctx, opts, services);
  for (const s of services) {
    if (!stack.services[s]) {
      throw new BerthError('CLI_NO_SUCH_SERVICE', `no such service: ${s}`, {
        hint: `the stack has: ${Object.keys(stack.services).sort().join(', ')}`,
      });
    }
  }
  return { stack, files, projectDir, client: await connectEngine(ctx, opts) };
}

/** The image a service runs: its `image:`, or `<project>-<service>` for a service that is built. */
export function serviceImage(stack: Stack, service: Service): string {
  return service.image ?? `${stack.name}-${service.name}`;
}

/**
 * Resolves each service's image to its ID on the engine, pulling what is missing (and says what it pulls) unless
 * the service's pull_policy is `never`; `pull` (Compose's --pull) replaces the policy of services that are not
 * built. `unbuilt`: services whose image a dry run would build; `unpulled`: images a dry run would pull.
 */
export async function resolveImages(
  session: StackSession,
  services: readonly string[],
  say: (line: string) => void,
  opts: {
    pull?: 'always' | 'missing' | 'never';
    unbuilt?: ReadonlySet<string>;
    unpulled?: ReadonlySet<string>;
    /** Image IDs the caller has just read by reference (imageFacts), used instead of asking again. */
    known?: ReadonlyMap<string, string>;
  } = {},
): Promise<Record<string, { ref: string; id: string }>> {
  const { client, stack } = session;
  const out: Record<string, { ref: string; id: string }> = {};
  const byRef = new Map<string, Promise<string>>();
  const resolve = (ref: string, pull: 'always' | 'missing' | 'never', service: string): Promise<string> => {
    let p = byRef.get(ref);
    if (!p) {
      p = (async (): Promise<string> => {
        const knownId = pull === 'always' ? undefined : opts.known?.get(ref);
        if (knownId) return knownId;
        const found = pull === 'always' ? undefined : await client.images.inspect(ref);
        if (found) return found.id;
        if (pull === 'never') {
          throw new BerthError(
            'PLAN_IMAGE_MISSING',
            `image ${ref} of service "${service}" is not on the engine, and its pull policy "never" forbids pulling it`,
            { hint: 'pull it with `berth pull`, load it with `docker load`, or allow pulling (--pull missing)' },
          );
        }
        say(` ${service}  Pulling`);
        const { pullImage } = await import('./image-transfer.js'); // registry code, only when there is a pull
        await pullImage(client, ref, { env: session.env });
        say(` ${service}  Pulled`);
        const pulled = await client.images.inspect(ref);
        if (!pulled) throw new BerthError('PLAN_IMAGE_MISSING', `image ${ref} is still missing after the pull`);
        return pulled.id;
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
      else if (opts.unpulled?.has(ref)) out[name] = { ref, id: '(to be pulled)' };
      else out[name] = { ref, id: await resolve(ref, resolvePolicy(service, opts.pull), name) };
    }),
  );
  return out;
}

/** How resolveImages may pull a service's image: built ones are pulled only if missing; `never` is kept. */
function resolvePolicy(service: Service, pull?: 'always' | 'missing' | 'never'): 'always' | 'missing' | 'never' {
  if (service.build !== undefined) return 'missing';
  if (pull !== undefined) return pull;
  return service.pull_policy === 'never' ? 'never' : 'missing';
}
