// The commands that read the stack and change nothing: `config` and `plan`.
import { Option } from 'commander';
import type { Command } from 'commander';
import type { ConfigOptions } from '../commands/config.js';
import type { UpOptions } from '../commands/up.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { loadProjectFiles } from '../load-project.js';
import { collectScale } from './up-commands.js';

export function addConfigCommands(program: Command, ctx: CliContext): void {
  const global = (): ProjectOptions => program.opts<ProjectOptions>();
  program
    .command('config')
    .description('validate the stack and print it normalized, as `docker compose config` does')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--services', 'print the service names, one per line')
    .option('--volumes', 'print the volume names, one per line')
    .option('--profiles', 'print the profile names, one per line')
    .option('--images', 'print the image names, one per line')
    .option('-q, --quiet', 'only validate; print nothing and exit 0 when valid')
    .option('--hash <services>', 'print "service hash" for these services (comma-separated, or "*" for all)')
    .option('--lock-image-digests', "print Compose's override pinning each service image by its berth.lock digest")
    .argument('[services...]', 'services to enable whatever their profiles (with what they depend on)')
    .action(async (services: string[], opts: ConfigOptions & { lockImageDigests?: boolean }) => {
      const project = global();
      if (opts.lockImageDigests) {
        const { lockOverrideCommand } = await import('../commands/lock.js');
        ctx.stdout(lockOverrideCommand(ctx, project));
        return;
      }
      const { configCommand } = await import('../commands/config.js');
      ctx.stdout(
        configCommand(loadProjectFiles(ctx, opts.profiles ? { ...project, profile: ['*'] } : project, services), opts),
      );
    });
  program
    .command('plan')
    .description('print what `up` would change, like a terraform plan (+ create, ~ recreate, - remove, = unchanged)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--force-recreate', 'plan as `up --force-recreate` would')
    .option('--remove-orphans', 'plan as `up --remove-orphans` would')
    .option('--scale <service=n>', 'plan with n containers of a service (repeatable)', collectScale, [])
    .argument('[services...]', 'services to plan for (with what they depend on)')
    .action(async (services: string[], opts: UpOptions) => {
      const { planCommand } = await import('../commands/up.js');
      await planCommand(ctx, global(), services, opts);
    });
}
