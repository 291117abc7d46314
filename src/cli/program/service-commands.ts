// The commands on the stack's containers: `ps`, `logs`, `port`, `top`, `images`, `ls`, and the verbs
// (`start`, `stop`, `restart`, `kill`, `pause`, `unpause`, `rm`).
import { Option } from 'commander';
import type { Command } from 'commander';
import type { LogsOptions } from '../commands/logs.js';
import type { PsOptions } from '../commands/ps.js';
import type { Verb, VerbOptions } from '../commands/verbs.js';
import type { CliContext, ProjectOptions } from '../context.js';

// Each command's module is imported when that command runs (issue 17: loading them all cost every start).

export function addServiceQueries(program: Command, ctx: CliContext): void {
  const global = (): ProjectOptions => program.opts<ProjectOptions>();
  program
    .command('ps')
    .description("list the stack's containers")
    .option('-a, --all', 'also stopped containers')
    .option('-q, --quiet', 'only IDs')
    .option('--services', 'only service names')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .argument('[services...]', 'only these services')
    .action(async (services: string[], opts: PsOptions) => {
      const { psCommand } = await import('../commands/ps.js');
      await psCommand(ctx, global(), services, opts);
    });
  program
    .command('logs')
    .description("print the stack's container logs")
    .option('-f, --follow', 'follow the logs until Ctrl-C')
    .option('-n, --tail <lines>', 'lines from the end of each log ("all" for all)', 'all')
    .option('-t, --timestamps', 'show timestamps')
    .option('--since <time>', 'logs since a Unix time or RFC 3339 date')
    .option('--no-log-prefix', 'print lines without the container prefix')
    .option('--no-color', 'no colors')
    .argument('[services...]', 'only these services')
    .action(async (services: string[], opts: LogsOptions & { logPrefix?: boolean }) => {
      const { logsCommand } = await import('../commands/logs.js');
      await logsCommand(ctx, global(), services, { ...opts, prefix: opts.logPrefix });
    });
  program
    .command('port')
    .description('print the public address of a published port')
    .argument('<service>')
    .argument('<private_port>', 'PORT or PORT/PROTOCOL')
    .option('--index <n>', 'container number of the service', '1')
    .option('--protocol <proto>', 'tcp or udp', 'tcp')
    .action(async (service: string, port: string, opts: { index?: string; protocol?: string }) => {
      const { portCommand } = await import('../commands/verbs.js');
      await portCommand(ctx, global(), service, port, opts);
    });
  program
    .command('top')
    .description("the processes of the stack's running containers")
    .argument('[services...]', 'only these services')
    .action(async (services: string[]) => (await import('../commands/verbs.js')).topCommand(ctx, global(), services));
  program
    .command('images')
    .description("the images the stack's containers use")
    .argument('[services...]', 'only these services')
    .action(async (services: string[]) =>
      (await import('../commands/verbs.js')).imagesCommand(ctx, global(), services),
    );
  program
    .command('ls')
    .description('the projects on the engine')
    .option('-a, --all', 'also projects with no running container')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { all?: boolean; format?: string }) =>
      (await import('../commands/verbs.js')).lsCommand(ctx, global(), opts),
    );
}

export function addServiceVerbs(program: Command, ctx: CliContext): void {
  const global = (): ProjectOptions => program.opts<ProjectOptions>();
  const verb = (name: Verb, description: string): Command =>
    program
      .command(name)
      .description(description)
      .argument('[services...]', 'only these services')
      .action(async (services: string[], opts: VerbOptions) => {
        const { verbCommand } = await import('../commands/verbs.js');
        await verbCommand(ctx, global(), name, services, opts);
      });
  program
    .command('start')
    .description("start the stack's stopped containers, in depends_on order and waiting for its conditions")
    .argument('[services...]', 'only these services (and what they depend on)')
    .action(async (services: string[]) => (await import('../commands/start.js')).startCommand(ctx, global(), services));
  verb('stop', "stop the stack's running containers").option('-t, --timeout <seconds>', 'seconds before SIGKILL');
  verb('restart', "restart the stack's containers").option('-t, --timeout <seconds>', 'seconds before SIGKILL');
  verb('kill', "send a signal to the stack's running containers").option(
    '-s, --signal <signal>',
    'signal to send',
    'SIGKILL',
  );
  verb('pause', "pause the stack's running containers");
  verb('unpause', "unpause the stack's paused containers");
  verb('rm', "remove the stack's stopped containers")
    .option('-f, --force', "don't ask (berth never asks; accepted for Compose's scripts)")
    .option('-s, --stop', 'stop running containers first')
    .option('-v, --volumes', 'also remove their anonymous volumes');
}
