// `berth run SERVICE [COMMAND...]`: a one-off container of the service, as `docker compose run` makes it: its
// dependencies up first (unless --no-deps), named `<project>-<service>-run-<12 hex>`, labelled oneoff "True".
// Attached by default, with berth's exit code the container's; `-d` prints the container ID and returns.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { EngineClient } from '../../client/engine-client.js';
import { EngineApiError } from '../../client/engine-client.js';
import { hijack } from '../../client/hijack.js';
import { BerthError } from '../../errors.js';
import { oneoffCreateRequest, oneoffName } from '../../planner/container-oneoff.js';
import { observeProject } from '../../planner/observed.js';
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
  const session = await openSession(ctx, global, [service]);
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
    const created = await client.call<{ Id: string }>('POST', '/containers/create', {
      query: { name: req.name, platform: req.platform },
      body: req.body,
    });
    for (const extra of req.extraNetworks) {
      await client.call('POST', `/networks/${extra.network}/connect`, {
        body: { Container: created.Id, EndpointConfig: extra.endpoint },
      });
    }
    if (opts.detach) {
      await client.call('POST', `/containers/${created.Id}/start`);
      ctx.stdout(`${created.Id}\n`);
      return;
    }
    const code = await runAttached(ctx, client, created.Id, overrides);
    if (opts.rm) await removeOneoff(client, created.Id);
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
  const stream = await hijack(client, `/containers/${id}/attach`, {
    query: { stream: 1, stdin: o.interactive ? 1 : 0, stdout: 1, stderr: 1 },
  });
  // Asked before the start, so that an exit right after it is not missed.
  const waited = await client.raw('POST', `/containers/${id}/wait`, { query: { condition: 'next-exit' } });
  const status = readJson<{ StatusCode: number; Error?: { Message?: string } | null }>(waited);
  try {
    await client.call('POST', `/containers/${id}/start`);
  } catch (e) {
    stream.close();
    waited.destroy();
    throw e;
  }
  await attachStreams(ctx, stream, {
    tty: o.tty,
    stdin: o.interactive,
    resize: (h, w) => client.call('POST', `/containers/${id}/resize`, { query: { h, w } }),
    // Ctrl-C goes to the container, as `docker compose run` forwards signals; a second one exits berth.
    onInterrupt: () =>
      void client.call('POST', `/containers/${id}/kill`, { query: { signal: 'SIGINT' } }).catch(() => 0),
  });
  const result = await status;
  if ((waited.statusCode ?? 0) >= 400) throw new BerthError('ENGINE_WAIT_FAILED', `waiting for ${id} failed`);
  return result.StatusCode;
}

/** --rm: the engine removes the container itself (AutoRemove); this makes sure it is gone before berth returns. */
async function removeOneoff(client: EngineClient, id: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await client.call('DELETE', `/containers/${id}`, { query: { force: 1 } });
      return;
    } catch (e) {
      if (e instanceof EngineApiError && e.status === 404) return;
      if (!(e instanceof EngineApiError && e.status === 409)) throw e; // 409: its removal is under way
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readJson<T>(res: IncomingMessage): Promise<T> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
      } catch (e) {
        reject(new BerthError('ENGINE_BAD_ANSWER', `the engine's answer is not JSON: ${(e as Error).message}`));
      }
    });
    res.on('error', reject);
  });
}
