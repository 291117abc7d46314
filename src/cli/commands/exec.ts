// `berth exec SERVICE COMMAND...`: runs a command in a running container of the service, as `docker compose exec`
// does: attached with stdin by default, a TTY when the user is at a terminal (unless -T), and berth's exit code
// is the command's. `-d` starts it in the background and returns at once.
import type { EngineClient } from '../../client/types.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { attachStreams } from '../attach-streams.js';
import { ExitStatus } from '../exit-status.js';
import { parseIndex, specifiedContainer } from '../service-containers.js';
import { openSession } from '../stack-session.js';
import { isInteractiveTerminal } from '../stdio.js';

export interface ExecOptions {
  detach?: boolean;
  /** false with -T (commander's --no-tty). */
  tty?: boolean;
  env: string[];
  user?: string;
  workdir?: string;
  index?: string;
  privileged?: boolean;
}

/** `-e K=V` as given; a bare `-e K` takes K's value from berth's environment, and stays bare without one. */
export function execEnvironment(flags: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  return flags.map((f) => (f.includes('=') || env[f] === undefined ? f : `${f}=${env[f]}`));
}

export async function execCommand(
  ctx: CliContext,
  global: ProjectOptions,
  service: string,
  command: string[],
  opts: ExecOptions,
): Promise<void> {
  const index = parseIndex(opts.index);
  const session = await openSession(ctx, global, [service]);
  const { client } = session;
  try {
    const target = await specifiedContainer(client, session.stack.name, service, {
      index,
      stopped: false,
      oneoff: 'include',
    });
    const tty = opts.tty !== false && isInteractiveTerminal(ctx);
    const created = await client.exec.create(target.id, {
      cmd: command,
      env: execEnvironment(opts.env, ctx.env),
      user: opts.user,
      privileged: opts.privileged === true,
      tty,
      workingDir: opts.workdir,
      attachStdin: true,
      attachStdout: true,
      attachStderr: true,
    });
    if (opts.detach) {
      await client.exec.start(created.id, { tty, detach: true });
      return;
    }
    const stream = await client.exec.start(created.id, { tty });
    const { interrupted } = await attachStreams(ctx, stream, {
      tty,
      stdin: true,
      resize: (rows, columns) => client.exec.resize(created.id, { rows, columns }),
    });
    if (interrupted) throw new ExitStatus(130);
    const code = await execExitCode(session.client, created.id);
    if (code !== 0) throw new ExitStatus(code);
  } finally {
    client.close();
  }
}

/** The exec's exit code; the output can end a moment before the engine has recorded the exit. */
async function execExitCode(client: EngineClient, id: string): Promise<number> {
  for (let i = 0; ; i++) {
    const r = await client.exec.inspect(id);
    if ((!r.running && r.exitCode !== undefined) || i >= 50) return r.exitCode ?? 0;
    await new Promise((res) => setTimeout(res, 20));
  }
}
