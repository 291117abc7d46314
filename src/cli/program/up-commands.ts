// The commands that change what runs: `up` (and `up --watch`), `watch`, `down`.
import type { Command } from 'commander';
import type { DownOptions } from '../commands/down.js';
import type { UpOptions } from '../commands/up.js';
import type { WatchOptions } from '../commands/watch.js';
import type { CliContext, ProjectOptions } from '../context.js';

// Each command's module is imported when that command runs (issue 17: loading them all cost every start).

export const collectScale = (v: string, prev: string[]): string[] => [...prev, v];

export function addUpCommands(program: Command, ctx: CliContext): void {
  const global = (): ProjectOptions => program.opts<ProjectOptions>();
  program
    .command('up')
    .description('create and start the stack, changing only what differs from what runs')
    .option('-d, --detach', 'run in the background; without it, follow the logs and stop on Ctrl-C')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--force-recreate', 'recreate containers even if their configuration is unchanged')
    .option('--no-recreate', 'keep existing containers even if their configuration changed')
    .option('--remove-orphans', 'remove containers of services that are no longer in the stack file')
    .option('--no-deps', "don't start the services the named ones depend on")
    .option('--scale <service=n>', 'run n containers of a service (repeatable)', collectScale, [])
    .option('-t, --timeout <seconds>', 'seconds to wait for a container to stop before killing it')
    .option('--wait', 'wait for the services to be running, and healthy if they have a healthcheck (implies -d)')
    .option('--wait-timeout <seconds>', 'with --wait, fail after this many seconds')
    .option('--abort-on-container-exit', 'stop every container when one stops (attached mode only)')
    .option('--exit-code-from <service>', "exit with this service's exit code (implies --abort-on-container-exit)")
    .option('--build', 'build the images of services with a build: section before starting them')
    .option('--no-build', "don't build images, even missing ones")
    .option(
      '--pull <policy>',
      'pull images of services that are not built: always, missing or never (default: pull_policy)',
      'policy',
    )
    .option('--watch', "watch the services' develop.watch rules while attached (see `berth watch`)")
    .option('--no-dashboard', 'attached, on a terminal: print log lines instead of the live dashboard')
    .option('--frozen', 'refuse to act when anything differs from berth.lock (also BERTH_FROZEN=1)')
    .argument('[services...]', 'services to bring up (with what they depend on)')
    .action(async (services: string[], opts: UpOptions & { recreate?: boolean; deps?: boolean; frozen?: boolean }) => {
      // commander folds --build and --no-build into one `build` value; --no-build alone leaves it false.
      const noBuild = opts.build === false;
      const run = opts.watch
        ? (await import('../commands/up-watch.js')).upWatchCommand
        : (await import('../commands/up.js')).upCommand;
      await run(
        ctx,
        { ...global(), frozen: opts.frozen },
        services,
        {
          ...opts,
          build: opts.build === true,
          noBuild,
          noRecreate: opts.recreate === false,
          noDeps: opts.deps === false,
        },
        ctx.signal,
      );
    });
  program
    .command('watch')
    .description('bring the stack up, then sync, restart, exec or rebuild services as their develop.watch rules say')
    .option('--no-up', "don't bring the stack up first; watch what runs")
    .option('--prune', 'remove the image a rebuild replaced when nothing uses it')
    .option('--quiet', 'print only what watch does, not the output of up and builds')
    .option('--no-dashboard', 'on a terminal: print what watch does as lines instead of the live dashboard')
    .argument('[services...]', 'only these services (default: every service with develop.watch)')
    .action(async (services: string[], opts: WatchOptions) => {
      const { watchCommand } = await import('../commands/watch.js');
      await watchCommand(ctx, global(), services, opts);
    });
  program
    .command('down')
    .description("stop and remove the stack's containers and networks (and with -v its volumes)")
    .option('-v, --volumes', 'also remove the named volumes of the stack')
    .option('--rmi <type>', 'also remove images: "local" (built ones without image:) or "all"')
    .option('--remove-orphans', 'also remove containers of services no longer in the stack file')
    .option('-t, --timeout <seconds>', 'seconds to wait for a container to stop before killing it')
    .action(async (opts: DownOptions) => {
      const { downCommand } = await import('../commands/down.js');
      await downCommand(ctx, global(), opts);
    });
}
