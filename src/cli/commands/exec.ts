// `berth exec SERVICE COMMAND...`: runs a command in a running container of the service, as `docker compose exec`
// does: attached with stdin by default, a TTY when the user is at a terminal (unless -T), and berth's exit code
// is the command's. `-d` starts it in the background and returns at once.
import type { EngineClient } from '../../client/engine-client.js';
import { hijack } from '../../client/hijack.js';
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
    const created = await client.call<{ Id: string }>('POST', `/containers/${target.Id}/exec`, {
      body: {
        Cmd: command,
        Env: execEnvironment(opts.env, ctx.env),
        User: opts.user,
        Privileged: opts.privileged === true,
        Tty: tty,
        Detach: opts.detach === true,
        WorkingDir: opts.workdir,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
      },
    });
    if (opts.detach) {
      await client.call('POST', `/exec/${created.Id}/start`, { body: { Detach: true, Tty: tty } });
      return;
    }
    const stream = await hijack(client, `/exec/${created.Id}/start`, { body: { Detach: false, Tty: tty } });
    const { interrupted } = await attachStreams(ctx, stream, {
      tty,
      stdin: true,
      resize: (h, w) => client.call('POST', `/exec/${created.Id}/resize`, { query: { h, w } }),
    });
    if (interrupted) throw new ExitStatus(130);
    const code = await execExitCode(session.client, created.Id);
    if (code !== 0) throw new ExitStatus(code);
  } finally {
    client.close();
  }
}

/** ExitCode of GET /exec/{id}/json; the output can end a moment before the engine has recorded the exit. */
async function execExitCode(client: EngineClient, id: string): Promise<number> {
  for (let i = 0; ; i++) {
    const r = await client.call<{ Running: boolean; ExitCode: number | null }>('GET', `/exec/${id}/json`);
    if ((!r.Running && r.ExitCode !== null) || i >= 50) return r.ExitCode ?? 0;
    await new Promise((res) => setTimeout(res, 20));
  }
}
