// The commands about images: `build`, `pull`, `push`, `image bootstrap`.
import { Option } from 'commander';
import type { Command } from 'commander';
import type { BuildOptions } from '../commands/build.js';
import type { ImageBootstrapOptions } from '../commands/image-bootstrap.js';
import type { PullOptions } from '../commands/pull.js';
import type { PushOptions } from '../commands/push.js';
import type { LockOptions } from '../commands/lock.js';
import type { CliContext, ProjectOptions } from '../context.js';

// Each command's module is imported when that command runs (issue 17: loading them all cost every start).

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addLockCommand(program: Command, ctx: CliContext): void {
  const global = (): ProjectOptions => program.opts<ProjectOptions>();
  program
    .command('lock')
    .description("pin the stack's image digests, build bases, contexts and args in berth.lock beside the stack file")
    .option('--check', 'compare with berth.lock and exit non-zero on any drift; change nothing')
    .option('--verify', 'build each built service again without the cache and report what is not reproducible')
    .action(async (opts: LockOptions & { verify?: boolean }) =>
      opts.verify
        ? (await import('../commands/lock-verify.js')).lockVerifyCommand(ctx, global())
        : (await import('../commands/lock.js')).lockCommand(ctx, global(), opts),
    );
}

export function addImageCommands(program: Command, ctx: CliContext): void {
  const global = (): ProjectOptions => program.opts<ProjectOptions>();
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
      const project = { ...global(), frozen: opts.frozen };
      const { buildCommand } = await import('../commands/build.js');
      await buildCommand(ctx, project, services, { ...opts, noCache: opts.cache === false });
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
      const { pullCommand } = await import('../commands/pull.js');
      await pullCommand(ctx, { ...global(), frozen: opts.frozen }, services, opts);
    });
  program
    .command('push')
    .description('push the images of services that have both build: and image: to their registries')
    .option('--ignore-push-failures', 'push what can be pushed and ignore images that fail')
    .option('-q, --quiet', 'push without printing progress')
    .argument('[services...]', 'only these services')
    .action(async (services: string[], opts: PushOptions) => {
      const { pushCommand } = await import('../commands/push.js');
      await pushCommand(ctx, global(), services, opts);
    });
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
      (await import('../commands/image-bootstrap.js')).imageBootstrapCommand(ctx, global(), name, opts),
    );
}
