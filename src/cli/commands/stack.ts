// `berth stack ...`: the stack file on a Docker Swarm (deploy, ls, ps, services, rm), on the engine that -H,
// DOCKER_HOST or --context choose, as every other command. Registered in program/stack-commands.ts.
import type { EngineClient } from '../../client/types.js';
import { engineEndpoint } from '../../client/endpoint.js';
import { dockerSwarmClient } from '../../client/swarm/docker-swarm.js';
import type { SwarmClient } from '../../client/swarm/types.js';
import { BerthError } from '../../errors.js';
import { connectEngine } from '../connect.js';
import type { CliContext, ProjectOptions } from '../context.js';

/** The chosen engine, if it is a swarm manager; otherwise a clear error that says what to do instead. */
export async function connectSwarm(
  ctx: CliContext,
  opts: ProjectOptions,
): Promise<{ client: EngineClient; swarm: SwarmClient }> {
  // Say so before starting berthd in the background only to hear that it is no swarm.
  if (engineEndpoint(ctx.env, opts).builtIn) throw notBerthd();
  const client = await connectEngine(ctx, opts);
  const swarm = dockerSwarmClient(client.endpoint);
  try {
    const state = await swarm.state();
    if (state.isBerthd) throw notBerthd();
    if (!state.manager) {
      const why =
        state.state === 'active' ? 'a swarm worker, not a manager' : `not in a swarm (state "${state.state}")`;
      throw new BerthError('CLI_NOT_SWARM_MANAGER', `the engine at ${client.endpoint} is ${why}`, {
        hint:
          state.state === 'active'
            ? 'point -H/DOCKER_HOST/--context at a manager of the swarm'
            : 'make it one with `docker swarm init`, or run the stack on one machine with `berth up`',
      });
    }
    return { client, swarm };
  } catch (e) {
    swarm.close();
    client.close();
    throw e;
  }
}

function notBerthd(): BerthError {
  return new BerthError('CLI_NOT_SWARM_MANAGER', "berthd, berth's own engine, runs one machine and is not a swarm", {
    hint: 'point -H/DOCKER_HOST/--context at a swarm manager (on a dockerd: `docker swarm init`), or run the stack here with `berth up`',
  });
}
