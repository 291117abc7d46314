// `berth run SERVICE [COMMAND...]`: a one-off container of the service, as `docker compose run` makes it: its
// dependencies up first (unless --no-deps), named `<project>-<service>-run-<12 hex>`, labelled oneoff "True".
// Attached by default, with berth's exit code the container's; `-d` prints the container ID and returns.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isEngineError } from '../../client/errors.js';
import { observeProject } from '../../client/observe.js';
import type { ContainerExit, EngineClient } from '../../client/types.js';
import { BerthError } from '../../errors.js';
import { createContainer } from '../../planner/apply.js';
import { oneoffCreateRequest, oneoffName } from '../../planner/container-oneoff.js';
import { LABEL } from '../../planner/labels.js';
import { inlineSeccompProfiles } from '../../planner/seccomp-inline.js';
import type { Service } from '../../spec/model.js';
import { attachStreams } from '../attach-streams.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { ExitStatus } from '../exit-status.js';
import { openSession, resolveImages } from '../stack-session.js';
import { isInteractiveTerminal } from '../stdio.js';
import { startRunDependencies } from './run-deps.js';
import type { RunOptions } from './run-options.js';
import { runOverrides } from './run-options.js';

export async function runCommand(
  ctx: CliContext,
  global: ProjectOptions,
  service: string,
  command: string[],
  opts: RunOptions,
): Promise<void> {
  const overrides = runOverrides(command, opts, {
    tty: opts.tty !== false && isInteractiveTerminal(ctx),
    env: ctx.env,
  });
  const session = await openSession(ctx, global, [service], 'use');
  const { client, stack } = session;
  try {
    await startRunDependencies(ctx, session, service, { noDeps: opts.deps === false, global });
    const image = (await resolveImages(session, [service], (line) => ctx.stderr(`${line}\n`)))[service];
    if (!image) throw new BerthError('PLAN_NO_IMAGE', `no image for service "${service}"`);
    const observed = await observeProject(client, stack.name);
    const firstOf = (name: string): string | undefined =>
      observed.containers
        .filter((c) => c.service === name && !c.oneoff)
        .sort((a, b) => a.number - b.number)
        .map((c) => c.id)[0];
    const slug = randomBytes(32).toString('hex');
    const req = oneoffCreateRequest({
      stack,
      service: stack.services[service] as Service,
      name: opts.name ?? oneoffName(stack.name, service, slug),
      image: image.ref,
      imageDigest: image.id,
      workingDir: session.projectDir,
      configFiles: session.files,
      networkNames: Object.fromEntries(Object.entries(stack.networks).map(([k, n]) => [k, n.name])),
      volumeNames: Object.fromEntries(Object.entries(stack.volumes).map(([k, v]) => [k, v.name])),
      serviceContainer: firstOf,
      overrides,
      slug,
    });
    if (req.unresolved.length > 0) {
      throw new BerthError('CLI_RUN_UNRESOLVED', `${req.unresolved.join(', ')} names a service with no container`, {
        hint: 'start that service first, or leave out --no-deps',
      });
    }
    const securityOpt = inlineSeccompProfiles(req.body.HostConfig?.SecurityOpt, (p) => readFileSync(p, 'utf8'));
    if (securityOpt) req.body.HostConfig = { ...req.body.HostConfig, SecurityOpt: securityOpt };
    // Created (and connected) as apply creates a replica; the start is run's own, after it attached
    const id = await createContainer(client, {
      project: stack.name,
      action: {
        service,
        configHash: req.body.Labels?.[LABEL.configHash] ?? '',
        request: req.platform
          ? { name: req.name, body: req.body, platform: req.platform }
          : { name: req.name, body: req.body },
        connect: req.extraNetworks.map((x) => ({ network: x.network, endpoint: x.endpoint })),
        fills: [],
      },
    });
    if (opts.detach) {
      await client.containers.start(id);
      ctx.stdout(`${id}\n`);
      return;
    }
    const code = await runAttached(ctx, client, id, overrides);
    if (opts.rm) await removeOneoff(client, id);
    if (code !== 0) throw new ExitStatus(code);
  } finally {
    client.close();
  }
}

/** Attaches, starts and follows the container until it exits, as `docker start -a` does; returns its exit code. */
async function runAttached(
  ctx: CliContext,
  client: EngineClient,
  id: string,
  o: { tty: boolean; interactive: boolean },
): Promise<number> {
  const stream = await client.containers.attach(id, { stdin: o.interactive, tty: o.tty });
  // Held by the engine before the start, so that an exit right after it is not missed.
  const cancelWait = new AbortController();
  let exit!: Promise<ContainerExit>;
  await new Promise<void>((waiting, failed) => {
    exit = client.containers.wait(id, { condition: 'next-exit', signal: cancelWait.signal, onWaiting: waiting });
    exit.catch(failed);
  });
  try {
    await client.containers.start(id);
  } catch (e) {
    stream.close();
    cancelWait.abort();
    throw e;
  }
  await attachStreams(ctx, stream, {
    tty: o.tty,
    stdin: o.interactive,
    resize: (rows, columns) => client.containers.resize(id, { rows, columns }),
    // Ctrl-C goes to the container, as `docker compose run` forwards signals; a second one exits berth.
    onInterrupt: () => void client.containers.kill(id, 'SIGINT').catch(() => 0),
  });
  return (await exit).exitCode;
}

/** --rm: the engine removes the container itself (AutoRemove); this makes sure it is gone before berth returns. */
async function removeOneoff(client: EngineClient, id: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await client.containers.remove(id, { force: true });
      return;
    } catch (e) {
      if (isEngineError(e, 'not-found')) return;
      if (!isEngineError(e, 'conflict')) throw e; // its removal is under way
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
