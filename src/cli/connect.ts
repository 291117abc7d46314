// The engine a stack command talks to: the one --host, --context, DOCKER_HOST, DOCKER_CONTEXT or the docker CLI's
// current context names (any Docker Engine API, e.g. a real dockerd), else the built-in berthd, started in the
// background on first use so that a new user never has to.
import { type EngineChoice, engineEndpoint, engineListens } from '../client/endpoint.js';
import { dockerEngineClient } from '../client/docker/client.js';
import type { EngineClient } from '../client/types.js';
import { BerthError } from '../errors.js';
import { engineSettings, engineStart } from './commands/engine.js';
import type { CliContext } from './context.js';

export async function connectEngine(ctx: CliContext, choice: EngineChoice = {}): Promise<EngineClient> {
  const endpoint = engineEndpoint(ctx.env, choice);
  if (!(await engineListens(endpoint.socketPath))) {
    if (!endpoint.builtIn) {
      throw new BerthError(
        'ENGINE_UNREACHABLE',
        `no Docker engine answers at ${endpoint.socketPath} (chosen by ${endpoint.source})`,
        { hint: `start that engine, or leave out ${endpoint.source} to use the built-in one` },
      );
    }
    ctx.stderr(await engineStart(engineSettings(ctx.env)));
  }
  return dockerEngineClient(endpoint.socketPath);
}
