// `berth logs`: the project's container logs with Compose's colored `name  |` prefixes; -f follows until Ctrl-C.
import { projectContainers } from '../../client/observe.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { prefixer, streamContainerLogs } from '../log-stream.js';
import { openSession } from '../stack-session.js';

export interface LogsOptions {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  prefix?: boolean;
  color?: boolean;
}

export async function logsCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: LogsOptions,
): Promise<void> {
  const session = await openSession(ctx, global, services);
  try {
    const chosen = await projectContainers(session.client, session.stack.name, { services });
    const color =
      opts.color !== false && ctx.isTTY === true && ctx.env.NO_COLOR === undefined && ctx.env.TERM !== 'dumb';
    const prefix = prefixer(
      chosen.map((c) => c.name),
      color,
    );
    await Promise.all(
      chosen.map((c) =>
        streamContainerLogs(
          session.client,
          c.id,
          { follow: opts.follow === true, tail: opts.tail, timestamps: opts.timestamps, since: opts.since, tty: false },
          (line) => ctx.stdout(opts.prefix === false ? `${line.text}\n` : `${prefix(c.name, line.text)}\n`),
          ctx.signal,
        ),
      ),
    );
  } finally {
    session.client.close();
  }
}
