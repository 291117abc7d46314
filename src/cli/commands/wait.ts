// `berth wait SERVICE...`: blocks until the services' running containers (one-off ones too) stop, printing each
// exit as Compose does (`container "ID" exited with status code N`); berth exits with the code of the last one to
// stop, as `docker compose wait` does. --down-project then takes the project down (with its orphans).
import type { EngineClient } from '../../client/engine-client.js';
import { BerthError } from '../../errors.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { ExitStatus } from '../exit-status.js';
import { findContainers } from '../service-containers.js';
import { openSession } from '../stack-session.js';
import { downCommand } from './down.js';

export async function waitCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: { downProject?: boolean },
): Promise<void> {
  const session = await openSession(ctx, global, services);
  const project = session.stack.name;
  let code = 0;
  try {
    const running = await findContainers(session.client, project, { services, oneoff: 'include' });
    if (running.length === 0) {
      throw new BerthError('CLI_NO_CONTAINERS', `no containers for project "${project}"`, {
        hint: services.length > 0 ? `none of ${services.join(', ')} is running` : 'start the stack with berth up -d',
      });
    }
    await Promise.all(
      running.map(async (c) => {
        code = await waitForExit(session.client, c.Id, ctx.signal);
        ctx.stdout(`container "${c.Id}" exited with status code ${code}\n`);
      }),
    );
  } catch (e) {
    if (ctx.signal?.aborted) throw new ExitStatus(130);
    throw e;
  } finally {
    session.client.close();
  }
  if (opts.downProject) await downCommand(ctx, global, { removeOrphans: true });
  if (code !== 0) throw new ExitStatus(code);
}

/** POST /containers/{id}/wait (condition not-running): the container's exit code once it has stopped. */
async function waitForExit(client: EngineClient, id: string, signal?: AbortSignal): Promise<number> {
  const res = await client.raw('POST', `/containers/${id}/wait`, { query: { condition: 'not-running' }, signal });
  let text = '';
  for await (const chunk of res) text += String(chunk);
  const body = JSON.parse(text) as { StatusCode?: number; message?: string };
  if ((res.statusCode ?? 0) >= 400)
    throw new BerthError('ENGINE_WAIT_FAILED', body.message ?? `HTTP ${res.statusCode}`);
  return body.StatusCode ?? 0;
}
