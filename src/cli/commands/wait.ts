// `berth wait SERVICE...`: blocks until the services' running containers (one-off ones too) stop, printing each
// exit as Compose does (`container "ID" exited with status code N`); berth exits with the code of the last one to
// stop, as `docker compose wait` does. --down-project then takes the project down (with its orphans).
import type { EngineClient } from '../../client/types.js';
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
        code = await waitForExit(session.client, c.id, ctx.signal);
        ctx.stdout(`container "${c.id}" exited with status code ${code}\n`);
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

/** The container's exit code once it has stopped (wait, condition not-running). */
async function waitForExit(client: EngineClient, id: string, signal?: AbortSignal): Promise<number> {
  return (await client.containers.wait(id, { condition: 'not-running', signal })).exitCode;
}
