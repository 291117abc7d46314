// `berth cp`: copies files and folders between a service's container and this machine, as `docker compose cp`
// does: `SERVICE:SRC DEST` reads from the service's first container, `SRC SERVICE:DEST` writes to all of them
// (or the one --index names); "-" is a tar on stdin or stdout.
import type { EngineClient } from '../../client/types.js';
import { BerthError } from '../../errors.js';
import type { CliContext, ProjectOptions } from '../context.js';
import type { ContainerSummary } from '../../client/types.js';
import { findContainers, parseIndex, specifiedContainer } from '../service-containers.js';
import { openSession } from '../stack-session.js';
import type { CopyFlags } from './cp-paths.js';
import { copyFromContainer, copyToContainer } from './cp-paths.js';

export interface CpOptions extends CopyFlags {
  index?: string;
  all?: boolean;
}

/** Compose's splitCpArg: `SERVICE:PATH`, unless the argument is absolute or starts with "." (a local path). */
export function splitCpArg(arg: string): { service?: string; path: string } {
  if (arg.startsWith('/')) return { path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { path: arg };
  return { service: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

export async function cpCommand(
  ctx: CliContext,
  global: ProjectOptions,
  source: string,
  destination: string,
  opts: CpOptions,
): Promise<void> {
  if (source === '') throw new BerthError('CLI_CP_ARGS', 'source can not be empty');
  if (destination === '') throw new BerthError('CLI_CP_ARGS', 'destination can not be empty');
  const src = splitCpArg(source);
  const dst = splitCpArg(destination);
  if (src.service !== undefined && dst.service !== undefined) {
    throw new BerthError('CLI_CP_ACROSS', 'copying between services is not supported', {
      hint: 'copy to this machine first, then to the other service',
    });
  }
  const service = src.service ?? dst.service;
  if (service === undefined) {
    throw new BerthError('CLI_CP_DIRECTION', 'unknown copy direction', { hint: 'name one side as SERVICE:PATH' });
  }
  const index = parseIndex(opts.index);
  const session = await openSession(ctx, global, [service]);
  try {
    const fromService = src.service !== undefined;
    const targets = await copyTargets(session.client, session.stack.name, service, { index, all: opts.all });
    await Promise.all(
      (fromService ? targets.slice(0, 1) : targets).map(async (c) => {
        const name = c.name;
        const what = fromService ? `${name}:${src.path} to ${dst.path}` : `${src.path} to ${name}:${dst.path}`;
        ctx.stderr(` Container ${name}  Copying ${what}\n`);
        const paths = { src: src.path, dst: dst.path };
        if (fromService) await copyFromContainer(ctx, session.client, c.id, paths, opts);
        else await copyToContainer(ctx, session.client, c.id, paths, opts);
        ctx.stderr(` Container ${name}  Copied ${what}\n`);
      }),
    );
  } finally {
    session.client.close();
  }
}

/** Compose's listContainersTargetedForCopy: stopped containers count; one-off ones only with --all. */
async function copyTargets(
  client: EngineClient,
  project: string,
  service: string,
  opts: { index: number; all?: boolean },
): Promise<ContainerSummary[]> {
  if (opts.index > 0) {
    return [
      await specifiedContainer(client, project, service, { index: opts.index, stopped: true, oneoff: 'exclude' }),
    ];
  }
  const found = await findContainers(client, project, {
    services: [service],
    stopped: true,
    oneoff: opts.all ? 'include' : 'exclude',
  });
  if (found.length === 0) {
    throw new BerthError('CLI_NO_CONTAINER', `no container found for service "${service}"`, {
      hint: `create it with: berth up -d ${service}`,
    });
  }
  return found;
}
