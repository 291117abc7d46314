// `berth stack ...`: the stack file on a Docker Swarm (deploy, ls, ps, services, rm), on the engine that -H,
// DOCKER_HOST or --context choose, as every other command. Registered here; main.ts calls addStackCommands.
import { type Command, Option } from 'commander';
import type { EngineClient } from '../../client/types.js';
import { engineEndpoint } from '../../client/endpoint.js';
import { dockerSwarmClient } from '../../client/swarm/docker-swarm.js';
import type { SwarmClient } from '../../client/swarm/types.js';
import { BerthError } from '../../errors.js';
import { connectEngine } from '../connect.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { type StackDeployOptions, stackDeploy } from './stack-deploy.js';
import { stackList, stackServices, stackTasks } from './stack-list.js';
import { stackRemove } from './stack-remove.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const formatOption = (): Option =>
  new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');

export function addStackCommands(program: Command, ctx: CliContext): void {
  const global = (): ProjectOptions => program.opts<ProjectOptions>();
  const withSwarm = async <T>(
    run: (engine: { client: EngineClient; swarm: SwarmClient }) => Promise<T>,
  ): Promise<T> => {
    const engine = await connectSwarm(ctx, global());
    try {
      return await run(engine);
    } finally {
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
      await withSwarm((engine) => stackDeploy(ctx, global(), { ...opts, name }, engine));
    });
  stack
    .command('ls')
    .description('the stacks on the swarm, with their number of services')
    .addOption(formatOption())
    .action(async (opts: { format: string }) => ctx.stdout(await withSwarm((e) => stackList(e.swarm, opts.format))));
  stack
    .command('services')
    .description("the stack's services with their replicas running and wanted")
    .addOption(formatOption())
    .argument('<stack>')
    .action(async (name: string, opts: { format: string }) =>
      ctx.stdout(await withSwarm((e) => stackServices(e.swarm, name, opts.format))),
    );
  stack
    .command('ps')
    .description("the stack's tasks (one per replica and update), with their node and state")
    .addOption(formatOption())
    .argument('<stack>')
    .action(async (name: string, opts: { format: string }) =>
      ctx.stdout(await withSwarm((e) => stackTasks(e.swarm, name, opts.format))),
    );
  stack
    .command('rm')
    .description("remove the stack's services, networks, secrets and configs from the swarm")
    .option('-t, --timeout <seconds>', 'how long to wait for tasks to let go of the networks', '60')
    .argument('<stack>')
    .action(async (name: string, opts: { timeout: string }) => {
      await withSwarm((e) =>
        stackRemove(e.swarm, name, { timeoutMs: Number(opts.timeout) * 1000, say: (l) => ctx.stderr(`${l}\n`) }),
      );
    });
}

/** The chosen engine, if it is a swarm manager; otherwise a clear error that says what to do instead. */
export async function connectSwarm(
  ctx: CliContext,
  opts: ProjectOptions,
): Promise<{ client: EngineClient; swarm: SwarmClient }> {
  // Say so before starting berthd in the background only to hear that it is no swarm.
  if (engineEndpoint(ctx.env, opts).builtIn) throw notBerthd();
  const client = await connectEngine(ctx, opts);
  const swarm = dockerSwarmClient(client);
  try {
    const state = await swarm.state();
    if (state.isBerthd) throw notBerthd();
    if (!state.manager) {
      const why =
        state.state === 'active' ? 'a swarm worker, not a manager' : `not in a swarm (state "${state.state}")`;
      throw new BerthError('CLI_NOT_SWARM_MANAGER', `the engine at ${client.endpoint} is ${why}`, {
        hint:
          state.state === 'active'
            ? 'point -H/DOCKER_HOST/--context at a manager of the swarm'
            : 'make it one with `docker swarm init`, or run the stack on one machine with `berth up`',
      });
    }
    return { client, swarm };
  } catch (e) {
    client.close();
    throw e;
  }
}

function notBerthd(): BerthError {
  return new BerthError('CLI_NOT_SWARM_MANAGER', "berthd, berth's own engine, runs one machine and is not a swarm", {
    hint: 'point -H/DOCKER_HOST/--context at a swarm manager (on a dockerd: `docker swarm init`), or run the stack here with `berth up`',
  });
}
