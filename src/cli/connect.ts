// The engine a stack command talks to: DOCKER_HOST when set (any Docker Engine API, e.g. a real dockerd), else the
// built-in berthd, started in the background on first use so that a new user never has to.
import { engineEndpoint, pingEngine } from '../engine/client/endpoint.js';
import { EngineClient } from '../engine/client/engine-client.js';
import { BerthError } from '../errors.js';
import { engineSettings, engineStart } from './commands/engine.js';
import type { CliContext } from './context.js';

export async function connectEngine(ctx: CliContext): Promise<EngineClient> {
  const endpoint = engineEndpoint(ctx.env);
  if (!(await pingEngine(endpoint.socketPath))) {
    if (!endpoint.builtIn) {
      throw new BerthError('ENGINE_UNREACHABLE', `no Docker engine answers at ${endpoint.socketPath} (DOCKER_HOST)`, {
        hint: 'start that engine, or unset DOCKER_HOST to use the built-in one',
      });
    }
    ctx.stderr(await engineStart(engineSettings(ctx.env)));
  }
  return new EngineClient(endpoint.socketPath);
}
