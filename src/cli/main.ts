// berth's command line: Compose's global flags, then a command. Handlers return text; this file prints it and
// turns errors into messages and exit codes (render-error.ts words them).
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { BerthError } from '../errors.js';
import { configCommand } from './commands/config.js';
import type { BuildOptions } from './commands/build.js';
import { buildCommand } from './commands/build.js';
import type { DownOptions } from './commands/down.js';
import { downCommand } from './commands/down.js';
import type { LogsOptions } from './commands/logs.js';
import { logsCommand } from './commands/logs.js';
import type { PsOptions } from './commands/ps.js';
import { psCommand } from './commands/ps.js';
import type { UpOptions } from './commands/up.js';
import type { Verb, VerbOptions } from './commands/verbs.js';
import { imagesCommand, lsCommand, portCommand, topCommand, verbCommand } from './commands/verbs.js';
import { planCommand, upCommand } from './commands/up.js';
import { startCommand } from './commands/start.js';
import type { ImageBootstrapOptions } from './commands/image-bootstrap.js';
import { imageBootstrapCommand } from './commands/image-bootstrap.js';
import type { PullOptions } from './commands/pull.js';
import { pullCommand } from './commands/pull.js';
import type { PushOptions } from './commands/push.js';
import { pushCommand } from './commands/push.js';
import { engineLogs, engineSettings, engineStart, engineStatus, engineStop } from './commands/engine.js';
import type { ConfigOptions } from './commands/config.js';
import type { LockOptions } from './commands/lock.js';
import { lockCommand, lockOverrideCommand } from './commands/lock.js';
import { lockVerifyCommand } from './commands/lock-verify.js';
import type { CliContext, ProjectOptions } from './context.js';
import { loadProject } from './load-project.js';
import { renderError } from './render-error.js';
import { addContainerCommands } from './container-commands.js';
import { addConvertCommand } from './commands/convert.js';
import { addStackCommands } from './commands/stack.js';
import { applyFlagRule } from './flag-rule.js';
import { ExitStatus } from './exit-status.js';
import { PROGRESS_MODES } from './progress/select.js';

export const VERSION = '0.1.0';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function buildProgram(ctx: CliContext): Command {
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
    .action((services: string[], opts: ConfigOptions & { lockImageDigests?: boolean }) => {
      const global = program.opts<ProjectOptions>();
      if (opts.lockImageDigests) {
        ctx.stdout(lockOverrideCommand(ctx, global));
        return;
      }
      const stack = loadProject(ctx, opts.profiles ? { ...global, profile: ['*'] } : global, services);
      const profiles = [...new Set(Object.values(stack.services).flatMap((s) => s.profiles ?? []))].sort();
      ctx.stdout(configCommand(stack, opts, profiles));
    });
  const collectScale = (v: string, prev: string[]): string[] => [...prev, v];
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
    .option('--frozen', 'refuse to act when anything differs from berth.lock (also BERTH_FROZEN=1)')
    .argument('[services...]', 'services to bring up (with what they depend on)')
    .action(async (services: string[], opts: UpOptions & { recreate?: boolean; deps?: boolean; frozen?: boolean }) => {
      // commander folds --build and --no-build into one `build` value; --no-build alone leaves it false.
      const noBuild = opts.build === false;
      await upCommand(
        ctx,
        { ...program.opts<ProjectOptions>(), frozen: opts.frozen },
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
    .command('plan')
    .description('print what `up` would change, like a terraform plan (+ create, ~ recreate, - remove, = unchanged)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--force-recreate', 'plan as `up --force-recreate` would')
    .option('--remove-orphans', 'plan as `up --remove-orphans` would')
    .option('--scale <service=n>', 'plan with n containers of a service (repeatable)', collectScale, [])
    .argument('[services...]', 'services to plan for (with what they depend on)')
    .action(async (services: string[], opts: UpOptions) => {
      await planCommand(ctx, program.opts<ProjectOptions>(), services, opts);
    });
  program
    .command('build')
    .description('build the images of services that have a build: section (tagged image: or <project>-<service>)')
    .option('--no-cache', "don't use the build cache")
    .option('--pull', 'always try to pull a newer version of the base images')
    .option('-q, --quiet', 'print only the image IDs')
    .option(
      '--build-arg <key=value>',
      'set a build argument (repeatable; KEY alone takes it from the environment)',
      collect,
      [],
    )
    .option('--frozen', 'refuse to act when anything differs from berth.lock (also BERTH_FROZEN=1)')
    .argument('[services...]', 'only these services')
    .action(async (services: string[], opts: BuildOptions & { cache?: boolean; frozen?: boolean }) => {
      const global = { ...program.opts<ProjectOptions>(), frozen: opts.frozen };
      await buildCommand(ctx, global, services, { ...opts, noCache: opts.cache === false });
    });
  program
    .command('pull')
    .description("pull the images of the stack's services (those with image:), concurrently")
    .option('--ignore-pull-failures', 'pull what can be pulled and ignore images that fail')
    .option('--include-deps', 'also pull the images of the services the named ones depend on')
    .option('-q, --quiet', 'pull without printing progress')
    .option('--policy <policy>', 'always (default) or missing: pull only images not on the engine')
    .option('--frozen', 'refuse to act when anything differs from berth.lock (also BERTH_FROZEN=1)')
    .argument('[services...]', 'only these services')
    .action(async (services: string[], opts: PullOptions & { frozen?: boolean }) => {
      await pullCommand(ctx, { ...program.opts<ProjectOptions>(), frozen: opts.frozen }, services, opts);
    });
  program
    .command('lock')
    .description("pin the stack's image digests, build bases, contexts and args in berth.lock beside the stack file")
    .option('--check', 'compare with berth.lock and exit non-zero on any drift; change nothing')
    .option('--verify', 'build each built service again without the cache and report what is not reproducible')
    .action(async (opts: LockOptions & { verify?: boolean }) =>
      opts.verify
        ? lockVerifyCommand(ctx, program.opts<ProjectOptions>())
        : lockCommand(ctx, program.opts<ProjectOptions>(), opts),
    );
  program
    .command('push')
    .description('push the images of services that have both build: and image: to their registries')
    .option('--ignore-push-failures', 'push what can be pushed and ignore images that fail')
    .option('-q, --quiet', 'push without printing progress')
    .argument('[services...]', 'only these services')
    .action(async (services: string[], opts: PushOptions) => {
      await pushCommand(ctx, program.opts<ProjectOptions>(), services, opts);
    });
  program
    .command('down')
    .description("stop and remove the stack's containers and networks (and with -v its volumes)")
    .option('-v, --volumes', 'also remove the named volumes of the stack')
    .option('--rmi <type>', 'also remove images: "local" (built ones without image:) or "all"')
    .option('--remove-orphans', 'also remove containers of services no longer in the stack file')
    .option('-t, --timeout <seconds>', 'seconds to wait for a container to stop before killing it')
    .action(async (opts: DownOptions) => {
      await downCommand(ctx, program.opts<ProjectOptions>(), opts);
    });
  program
    .command('ps')
    .description("list the stack's containers")
    .option('-a, --all', 'also stopped containers')
    .option('-q, --quiet', 'only IDs')
    .option('--services', 'only service names')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .argument('[services...]', 'only these services')
    .action(async (services: string[], opts: PsOptions) => {
      await psCommand(ctx, program.opts<ProjectOptions>(), services, opts);
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
      await logsCommand(ctx, program.opts<ProjectOptions>(), services, { ...opts, prefix: opts.logPrefix });
    });
  const verb = (name: Verb, description: string): Command =>
    program
      .command(name)
      .description(description)
      .argument('[services...]', 'only these services')
      .action(async (services: string[], opts: VerbOptions) => {
        await verbCommand(ctx, program.opts<ProjectOptions>(), name, services, opts);
      });
  program
    .command('start')
    .description("start the stack's stopped containers, in depends_on order and waiting for its conditions")
    .argument('[services...]', 'only these services (and what they depend on)')
    .action(async (services: string[]) => startCommand(ctx, program.opts<ProjectOptions>(), services));
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
  program
    .command('port')
    .description('print the public address of a published port')
    .argument('<service>')
    .argument('<private_port>', 'PORT or PORT/PROTOCOL')
    .option('--index <n>', 'container number of the service', '1')
    .option('--protocol <proto>', 'tcp or udp', 'tcp')
    .action(async (service: string, port: string, opts: { index?: string; protocol?: string }) => {
      await portCommand(ctx, program.opts<ProjectOptions>(), service, port, opts);
    });
  program
    .command('top')
    .description("the processes of the stack's running containers")
    .argument('[services...]', 'only these services')
    .action(async (services: string[]) => topCommand(ctx, program.opts<ProjectOptions>(), services));
  program
    .command('images')
    .description("the images the stack's containers use")
    .argument('[services...]', 'only these services')
    .action(async (services: string[]) => imagesCommand(ctx, program.opts<ProjectOptions>(), services));
  program
    .command('ls')
    .description('the projects on the engine')
    .option('-a, --all', 'also projects with no running container')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { all?: boolean; format?: string }) => lsCommand(ctx, program.opts<ProjectOptions>(), opts));
  addContainerCommands(program, ctx);
  addConvertCommand(program, ctx);
  addStackCommands(program, ctx);
  program
    .command('image')
    .description('manage images')
    .command('bootstrap')
    .description("make a Debian base image (e.g. debian:bookworm-slim) from the host's apt mirror with mmdebstrap")
    .argument('<name>', 'the image to make: debian:<suite>[-slim], or any name with --suite')
    .option('--include <packages>', 'extra packages, comma-separated (repeatable)', collect, [])
    .option('--suite <suite>', 'the Debian suite (default: the tag of debian:<suite>[-slim])')
    .addOption(new Option('--variant <variant>', "mmdebstrap's variant").choices(['minbase', 'apt']))
    .option('--mirror <uri>', "a Debian mirror (default: the host's, from /etc/apt/sources.list(.d))")
    .action(async (name: string, opts: ImageBootstrapOptions) =>
      imageBootstrapCommand(ctx, program.opts<ProjectOptions>(), name, opts),
    );
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
  return applyFlagRule(program);
}

/** Runs berth with these arguments; returns the exit code. */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx);
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
    stdio: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    readStdin: () => readFileSync(0, 'utf8'),
  };
}
