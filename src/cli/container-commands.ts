// The Compose commands that work inside the project's containers: exec, run, cp, wait and events. Registered
// here rather than in main.ts, which only calls addContainerCommands; flags and wording are Compose's.
import type { Command } from 'commander';
import type { CpOptions } from './commands/cp.js';
import type { EventsOptions } from './commands/events.js';
import type { ExecOptions } from './commands/exec.js';
import type { RunOptions } from './commands/run-options.js';
import type { CliContext, ProjectOptions } from './context.js';
import { containerCommand } from './flag-rule.js';

// Each command's module is imported when that command runs (issue 17: loading them all cost every start).

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addContainerCommands(program: Command, ctx: CliContext): void {
  const global = (): ProjectOptions => program.opts<ProjectOptions>();
  program
    .command('exec')
    .description('execute a command in a running container of a service')
    .usage('[options] SERVICE COMMAND [ARGS...]')
    .option('-d, --detach', 'run the command in the background')
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect, [])
    .option('--index <n>', 'the container of the service, when it has several (default: the first)')
    .option('--privileged', 'give the process extended privileges')
    .option('-u, --user <user>', 'run the command as this user')
    .option('-w, --workdir <dir>', 'working folder of the command')
    .option('-T, --no-tty', 'no pseudo-TTY (the default when stdin or stdout is not a terminal)')
    .argument('<service>')
    .argument('<command...>', 'the command and its arguments (flags after SERVICE belong to it; a first -- is dropped)')
    .action(async (service: string, command: string[], opts: ExecOptions) => {
      const { execCommand } = await import('./commands/exec.js');
      await execCommand(ctx, global(), service, containerCommand(command), opts);
    });
  program
    .command('run')
    .description('run a one-off command in a new container of a service')
    .usage('[options] SERVICE [COMMAND] [ARGS...]')
    .option('-d, --detach', 'run the container in the background and print its ID')
    .option('--rm', 'remove the container when it exits')
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect, [])
    .option('-l, --label <KEY=VALUE>', 'add or override a label (repeatable)', collect, [])
    .option('--entrypoint <cmd>', "override the image's entrypoint")
    .option('--name <name>', 'name of the container (default: <project>-<service>-run-<id>)')
    .option('-u, --user <user>', 'run as this user')
    .option('-w, --workdir <dir>', 'working folder in the container')
    .option('--no-deps', "don't start the services it depends on")
    .option('-T, --no-tty', 'no pseudo-TTY (the default when stdin or stdout is not a terminal)')
    .option('--no-interactive', "don't keep stdin open and attached")
    .option('-p, --publish <port>', 'publish a port, as in `ports:` (repeatable)', collect, [])
    .option('-P, --service-ports', "publish the service's ports")
    .option('--use-aliases', "also use the service's network aliases")
    .option('--frozen', 'refuse to act when anything differs from berth.lock (also BERTH_FROZEN=1)')
    .argument('<service>')
    .argument('[command...]', 'the command and its arguments (flags after SERVICE belong to it; a first -- is dropped)')
    .action(async (service: string, command: string[], opts: RunOptions & { frozen?: boolean }) => {
      const { runCommand } = await import('./commands/run.js');
      await runCommand(ctx, { ...global(), frozen: opts.frozen }, service, containerCommand(command), opts);
    });
  program
    .command('cp')
    .description('copy files or folders between a service container and this machine')
    .usage('[options] SERVICE:SRC_PATH DEST_PATH|-\n       berth cp [options] SRC_PATH|- SERVICE:DEST_PATH')
    .option('-a, --archive', 'archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'always follow a symbolic link in SRC_PATH')
    .option('--index <n>', 'the container of the service, when it has several')
    .option('--all', 'include containers created by `run`')
    .argument('<source>')
    .argument('<destination>')
    .action(async (source: string, destination: string, opts: CpOptions) =>
      (await import('./commands/cp.js')).cpCommand(ctx, global(), source, destination, opts),
    );
  program
    .command('wait')
    .description("block until the services' containers stop; exit with the last one's exit code")
    .option('--down-project', 'take the project down once they have stopped')
    .argument('<services...>')
    .action(async (services: string[], opts: { downProject?: boolean }) =>
      (await import('./commands/wait.js')).waitCommand(ctx, global(), services, opts),
    );
  program
    .command('events')
    .description("stream the engine's events for the project's containers until Ctrl-C")
    .option('--json', 'one JSON object per event')
    .option('--since <time>', 'events since a Unix time, an RFC 3339 date or a duration (10m)')
    .option('--until <time>', 'events until a Unix time, an RFC 3339 date or a duration')
    .argument('[services...]', 'only these services')
    .action(async (services: string[], opts: EventsOptions) =>
      (await import('./commands/events.js')).eventsCommand(ctx, global(), services, opts),
    );
}
