// `berth stack deploy|ls|services|ps|rm` on a Docker Swarm. The swarm client and planner are imported when one of
// them runs, not on every start.
import { type Command, Option } from 'commander';
import type { EngineClient } from '../../client/types.js';
import type { SwarmClient } from '../../client/swarm/types.js';
import type { StackDeployOptions } from '../commands/stack-deploy.js';
import type { CliContext, ProjectOptions } from '../context.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const formatOption = (): Option =>
  new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');

export function addStackCommands(program: Command, ctx: CliContext): void {
  const global = (): ProjectOptions => program.opts<ProjectOptions>();
  const withSwarm = async <T>(
    run: (engine: { client: EngineClient; swarm: SwarmClient }) => Promise<T>,
  ): Promise<T> => {
    const { connectSwarm } = await import('../commands/stack.js');
    const engine = await connectSwarm(ctx, global());
    try {
      return await run(engine);
    } finally {
      engine.swarm.close();
      engine.client.close();
    }
  };
  const stack = program
    .command('stack')
    .description('deploy the stack to a Docker Swarm and manage it there (the engine must be a swarm manager)');
  stack
    .command('deploy')
    .description('create or update the stack on the swarm, changing only what differs (planned like `up`)')
    .option(
      '-c, --compose-file <path>',
      'stack file (repeatable; default: the global -f, then compose.yaml)',
      collect,
      [],
    )
    .option('--prune', 'remove services (and networks, secrets, configs) no longer in the stack file')
    .option('--dry-run', 'print the plan and change nothing')
    .addOption(new Option('--format <format>', 'plan format of --dry-run').choices(['text', 'json']).default('text'))
    .argument('<stack>', 'the stack name (the namespace of its services: STACK_service)')
    .action(async (name: string, opts: StackDeployOptions) => {
      const { stackDeploy } = await import('../commands/stack-deploy.js');
      await withSwarm((engine) => stackDeploy(ctx, global(), { ...opts, name }, engine));
    });
  stack
    .command('ls')
    .description('the stacks on the swarm, with their number of services')
    .addOption(formatOption())
    .action(async (opts: { format: string }) => {
      const { stackList } = await import('../commands/stack-list.js');
      ctx.stdout(await withSwarm((e) => stackList(e.swarm, opts.format)));
    });
  stack
    .command('services')
    .description("the stack's services with their replicas running and wanted")
    .addOption(formatOption())
    .argument('<stack>')
    .action(async (name: string, opts: { format: string }) => {
      const { stackServices } = await import('../commands/stack-list.js');
      ctx.stdout(await withSwarm((e) => stackServices(e.swarm, name, opts.format)));
    });
  stack
    .command('ps')
    .description("the stack's tasks (one per replica and update), with their node and state")
    .addOption(formatOption())
    .argument('<stack>')
    .action(async (name: string, opts: { format: string }) => {
      const { stackTasks } = await import('../commands/stack-list.js');
      ctx.stdout(await withSwarm((e) => stackTasks(e.swarm, name, opts.format)));
    });
  stack
    .command('rm')
    .description("remove the stack's services, networks, secrets and configs from the swarm")
    .option('-t, --timeout <seconds>', 'how long to wait for tasks to let go of the networks', '60')
    .argument('<stack>')
    .action(async (name: string, opts: { timeout: string }) => {
      const { stackRemove } = await import('../commands/stack-remove.js');
      await withSwarm((e) =>
        stackRemove(e.swarm, name, { timeoutMs: Number(opts.timeout) * 1000, say: (l) => ctx.stderr(`${l}\n`) }),
      );
    });
}
