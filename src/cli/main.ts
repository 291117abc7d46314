// berth's command line: Compose's global flags, then a command. Handlers return text; this file prints it and
// turns errors into messages and exit codes (render-error.ts words them).
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { BerthError } from '../errors.js';
import { configCommand } from './commands/config.js';
import { engineLogs, engineSettings, engineStart, engineStatus, engineStop } from './commands/engine.js';
import type { ConfigOptions } from './commands/config.js';
import type { CliContext, ProjectOptions } from './context.js';
import { loadProject } from './load-project.js';
import { renderError } from './render-error.js';

export const VERSION = '0.1.0';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('berth')
    .description(
      "Declarative multi-container stacks from Compose files, on berth's own engine or any Docker Engine API",
    )
    .version(VERSION, '-v, --version')
    .option('-f, --file <path>', 'stack file (repeatable; "-" reads standard input)', collect, [])
    .option(
      '-p, --project-name <name>',
      'project name (default: COMPOSE_PROJECT_NAME, the top-level name, the folder name)',
    )
    .option('--project-directory <dir>', 'project folder (default: the folder of the first stack file)')
    .option(
      '--env-file <path>',
      'variables file for interpolation (repeatable; default: .env of the project folder)',
      collect,
      [],
    )
    .option('--profile <name>', 'enable services of this profile (repeatable; default: COMPOSE_PROFILES)', collect, [])
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .exitOverride()
    .showHelpAfterError('(run berth --help for usage)');

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
    .argument('[services...]', 'services to enable whatever their profiles (with what they depend on)')
    .action((services: string[], opts: ConfigOptions) => {
      const global = program.opts<ProjectOptions>();
      const stack = loadProject(ctx, opts.profiles ? { ...global, profile: ['*'] } : global, services);
      const profiles = [...new Set(Object.values(stack.services).flatMap((s) => s.profiles ?? []))].sort();
      ctx.stdout(configCommand(stack, opts, profiles));
    });
  const engine = program
    .command('engine')
    .description('manage berthd, the built-in engine (data root BERTH_ROOT, socket BERTH_SOCKET)');
  engine
    .command('start')
    .description('start berthd in the background')
    .action(async () => ctx.stdout(await engineStart(engineSettings(ctx.env))));
  engine
    .command('stop')
    .description('stop berthd (running containers keep running)')
    .action(async () => ctx.stdout(await engineStop(engineSettings(ctx.env))));
  engine
    .command('status')
    .description('say whether berthd runs, and where')
    .action(async () => {
      const s = await engineStatus(engineSettings(ctx.env));
      if (!s.running)
        throw new BerthError('ENGINE_NOT_RUNNING', s.text.trim(), { hint: 'start it with: berth engine start' });
      ctx.stdout(s.text);
    });
  engine
    .command('logs')
    .description("print berthd's own log")
    .action(() => ctx.stdout(engineLogs(engineSettings(ctx.env))));
  return program;
}

/** Runs berth with these arguments; returns the exit code. */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    ctx.stderr(renderError(e, { cwd: ctx.cwd, argv, version: VERSION, debug: ctx.env.BERTH_DEBUG === '1' }));
    return 1;
  }
}

function processContext(): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: () => readFileSync(0, 'utf8'),
  };
}
