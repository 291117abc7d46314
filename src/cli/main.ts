// berth's command line: Compose's global flags, then a command. Handlers return text; this file prints it and
// turns errors into messages and exit codes (render-error.ts words them).
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { CliContext } from './context.js';
import { renderError } from './render-error.js';
import { addContainerCommands } from './container-commands.js';
import { addConfigCommands } from './program/config-commands.js';
import { addConvertCommand } from './program/convert-command.js';
import { addEngineCommands } from './program/engine-commands.js';
import { addImageCommands, addLockCommand } from './program/image-commands.js';
import { addServiceQueries, addServiceVerbs } from './program/service-commands.js';
import { addStackCommands } from './program/stack-commands.js';
import { addUpCommands } from './program/up-commands.js';
import { applyFlagRule } from './flag-rule.js';
import { ExitStatus } from './exit-status.js';
import { PROGRESS_MODES } from './progress/select.js';

export const VERSION = '0.1.0';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The commands by group, as each group's add function registers them (test/cli/command-groups.test.ts checks). */
export const COMMAND_GROUPS: ReadonlyArray<{
  names: readonly string[];
  add: (program: Command, ctx: CliContext) => void;
}> = [
  { names: ['config', 'plan'], add: addConfigCommands },
  { names: ['up', 'watch', 'down'], add: addUpCommands },
  { names: ['build', 'pull', 'push', 'image'], add: addImageCommands },
  { names: ['lock'], add: addLockCommand },
  { names: ['ps', 'logs', 'port', 'top', 'images', 'ls'], add: addServiceQueries },
  { names: ['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'rm'], add: addServiceVerbs },
  { names: ['exec', 'run', 'cp', 'wait', 'events'], add: addContainerCommands },
  { names: ['convert'], add: addConvertCommand },
  { names: ['stack'], add: addStackCommands },
  { names: ['engine'], add: addEngineCommands },
];

/**
 * The program; with `argv`, only the group of the command it names is registered when it names one (registering
 * all ~45 commands cost every start 3-8 ms), and all of them otherwise (--help, --version, a mistyped command), for
 * the help and the suggestions.
 */
export function buildProgram(ctx: CliContext, argv?: readonly string[]): Command {
  const program = new Command('berth')
    .description(
      "Declarative multi-container stacks from Compose files, on berth's own engine or any Docker Engine API",
    )
    .version(VERSION, '--version', 'print the version')
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
    .addOption(
      new Option('--progress <type>', 'progress output of up and down (default: COMPOSE_PROGRESS, then auto)').choices(
        PROGRESS_MODES,
      ),
    )
    .option(
      '-H, --host <address>',
      'engine socket, e.g. unix:///var/run/docker.sock (default: DOCKER_HOST, then berthd)',
    )
    .option(
      '--context <name>',
      'docker CLI context whose engine to use (default: DOCKER_CONTEXT, then the current one)',
    )
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .exitOverride()
    .showHelpAfterError('(run berth --help for usage)');

  const word = argv === undefined ? undefined : commandWord(program, argv);
  const named = COMMAND_GROUPS.filter((g) => word !== undefined && g.names.includes(word));
  for (const group of named.length > 0 ? named : COMMAND_GROUPS) group.add(program, ctx);
  return applyFlagRule(program);
}

/**
 * The command argv names, read as commander reads it: global options (and the values of those that take one) come
 * first (applyFlagRule makes options positional), then the command. undefined when there is none.
 */
export function commandWord(program: Command, argv: readonly string[]): string | undefined {
  const option = (flag: string): Option | undefined => program.options.find((o) => o.short === flag || o.long === flag);
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') return undefined;
    if (!word.startsWith('-')) return word;
    const o = option(word);
    // a required value is the next word whatever it is; an optional one unless it is an option itself
    if (o?.required || (o?.optional && !(argv[i + 1] ?? '-').startsWith('-'))) i++;
  }
  return undefined;
}

/** Runs berth with these arguments; returns the exit code. */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ExitStatus) return e.status;
    ctx.stderr(renderError(e, { cwd: ctx.cwd, argv, version: VERSION, debug: ctx.env.BERTH_DEBUG === '1' }));
    return 1;
  }
}

function processContext(): CliContext {
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(130); // a second Ctrl-C does not wait for the graceful stop
    interrupt.abort();
  });
  return {
    signal: interrupt.signal,
    isTTY: process.stdout.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    // getters: Node makes process.stdin when it is first read (a stream, a few ms), and few commands read it
    stdio: {
      get stdin() {
        return process.stdin;
      },
      get stdout() {
        return process.stdout;
      },
      get stderr() {
        return process.stderr;
      },
    },
    readStdin: () => readFileSync(0, 'utf8'),
  };
}
