// The commands that apply one engine call to the project's containers: stop, restart, kill, pause, unpause, rm
// (start, which follows depends_on, is start.ts); plus the read-only ones built on the same listing: top, port,
// images, ls. Progress lines are Compose's.
import { dockerEngineClient } from '../../client/docker/client.js';
import { projectContainers } from '../../client/observe.js';
import type { ContainerSummary as Summary, EngineClient } from '../../client/types.js';
import { BerthError } from '../../errors.js';
import { LABEL } from '../../planner/labels.js';
import { serviceDependencies } from '../../planner/plan.js';
import type { Stack } from '../../spec/model.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { engineEndpoint } from '../../client/endpoint.js';
import { openSession } from '../stack-session.js';
import { renderTable } from '../table.js';
import { compareText } from '../../compare-text.js';

export type Verb = 'stop' | 'restart' | 'kill' | 'pause' | 'unpause' | 'rm';

const WORDS: Record<Verb, [string, string]> = {
  stop: ['Stopping', 'Stopped'],
  restart: ['Restarting', 'Started'],
  kill: ['Killing', 'Killed'],
  pause: ['Pausing', 'Paused'],
  unpause: ['Unpausing', 'Unpaused'],
  rm: ['Removing', 'Removed'],
};

/** The project's service containers (stopped ones too, one-off ones left out), by name. */
const serviceContainers = (client: EngineClient, project: string, services: readonly string[]): Promise<Summary[]> =>
  projectContainers(client, project, { services, oneoff: 'exclude' });

const nameOf = (c: Summary): string => c.name;

export interface VerbOptions {
  timeout?: string;
  signal?: string;
  force?: boolean;
  stop?: boolean;
  volumes?: boolean;
}

export async function verbCommand(
  ctx: CliContext,
  global: ProjectOptions,
  verb: Verb,
  services: string[],
  opts: VerbOptions,
): Promise<void> {
  const session = await openSession(ctx, global, services);
  const { client } = session;
  try {
    const all = await serviceContainers(client, session.stack.name, services);
    const chosen = all.filter((c) => {
      if (verb === 'stop' || verb === 'kill' || verb === 'pause') return c.state === 'running';
      if (verb === 'unpause') return c.state === 'paused';
      if (verb === 'rm') return c.state !== 'running' || opts.stop === true;
      return true;
    });
    if (verb === 'rm' && chosen.length === 0) {
      ctx.stderr('No stopped containers\n');
      return;
    }
    if (verb === 'rm' && !opts.force) {
      ctx.stderr(`Going to remove ${chosen.map(nameOf).join(', ')} (use -f to skip this note)\n`);
    }
    const t = opts.timeout === undefined ? undefined : Number(opts.timeout);
    const errors: string[] = [];
    // stop goes in reverse depends_on order, as Compose's: a container whose PID namespace others share must not
    // end first, or the kernel SIGKILLs them with it; the other verbs act on every container at once.
    const order = verb === 'stop' ? afterDependents(session.stack, chosen) : () => Promise.resolve();
    await eachInOrder(chosen, order, async (c) => {
      const [doing, done] = WORDS[verb];
      ctx.stderr(` Container ${nameOf(c)}  ${doing}\n`);
      try {
        if (verb === 'rm') {
          if (opts.stop) await client.containers.stop(c.id, { timeoutSeconds: t });
          await client.containers.remove(c.id, { volumes: opts.volumes === true });
        } else if (verb === 'kill') {
          await client.containers.kill(c.id, opts.signal ?? 'SIGKILL');
        } else if (verb === 'stop' || verb === 'restart') {
          await client.containers[verb](c.id, { timeoutSeconds: t });
        } else {
          await client.containers[verb](c.id);
        }
        ctx.stderr(` Container ${nameOf(c)}  ${done}\n`);
      } catch (e) {
        errors.push(`${nameOf(c)}: ${e instanceof Error ? e.message : String(e)}`);
        ctx.stderr(` Container ${nameOf(c)}  Error\n`);
      }
    });
    if (errors.length > 0) throw new BerthError('CLI_COMMAND_FAILED', errors.join('; '));
  } finally {
    client.close();
  }
}

/** What a container waits for before it is acted on: given the promise of each container's action. */
type Waits = (c: Summary, done: (c: Summary) => Promise<void>) => Promise<void>;

/** Runs `act` on every container, each once what `waits` names has been done. */
async function eachInOrder(list: readonly Summary[], waits: Waits, act: (c: Summary) => Promise<void>): Promise<void> {
  const started = new Map<Summary, Promise<void>>();
  const done = (c: Summary): Promise<void> => {
    let p = started.get(c);
    if (!p) {
      p = waits(c, done).then(() => act(c));
      started.set(c, p);
    }
    return p;
  };
  await Promise.all(list.map(done));
}

/** Reverse depends_on order: a container waits for those of the services that depend on its service. */
function afterDependents(stack: Stack, list: readonly Summary[]): Waits {
  const serviceOf = (c: Summary): string => c.labels[LABEL.service] ?? '';
  return async (c, done) => {
    const dependents = list.filter((d) => {
      const dependent = stack.services[serviceOf(d)];
      return d !== c && dependent !== undefined && serviceOf(c) in serviceDependencies(dependent);
    });
    await Promise.all(dependents.map(done));
  };
}

/** `berth port SERVICE PRIVATE_PORT[/PROTO]`: the public address of a published port, as `host:port`. */
export async function portCommand(
  ctx: CliContext,
  global: ProjectOptions,
  service: string,
  privatePort: string,
  opts: { index?: string; protocol?: string },
): Promise<void> {
  const session = await openSession(ctx, global, [service]);
  try {
    const [port, proto] = privatePort.split('/');
    const protocol = proto ?? opts.protocol ?? 'tcp';
    const containers = await serviceContainers(session.client, session.stack.name, [service]);
    const index = Number(opts.index ?? '1');
    const c = containers.find((x) => Number(x.labels[LABEL.number] ?? '1') === index);
    if (!c) throw new BerthError('CLI_NO_CONTAINER', `service "${service}" has no container number ${index}`);
    const binding = c.ports.find((p) => String(p.privatePort) === port && p.type === protocol && p.publicPort);
    if (!binding) throw new BerthError('CLI_NO_PORT', `no port ${port}/${protocol} is published for "${service}"`);
    ctx.stdout(`${binding.ip ?? '0.0.0.0'}:${binding.publicPort}\n`);
  } finally {
    session.client.close();
  }
}

/** `berth top`: the processes of each container, as `docker compose top` prints them. */
export async function topCommand(ctx: CliContext, global: ProjectOptions, services: string[]): Promise<void> {
  const session = await openSession(ctx, global, services);
  try {
    const running = (await serviceContainers(session.client, session.stack.name, services)).filter(
      (c) => c.state === 'running',
    );
    for (const c of running) {
      const top = await session.client.containers.top(c.id);
      const rows = [top.titles, ...top.processes];
      ctx.stdout(`${nameOf(c)}\n${renderTable(rows)}\n`);
    }
  } finally {
    session.client.close();
  }
}

/** `berth images`: the images the project's containers use. */
export async function imagesCommand(ctx: CliContext, global: ProjectOptions, services: string[]): Promise<void> {
  const session = await openSession(ctx, global, services);
  try {
    const containers = await serviceContainers(session.client, session.stack.name, services);
    const rows = [['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID']];
    for (const c of containers) {
      const colon = c.image.lastIndexOf(':');
      const [repo, tag] =
        colon > c.image.lastIndexOf('/') ? [c.image.slice(0, colon), c.image.slice(colon + 1)] : [c.image, 'latest'];
      rows.push([nameOf(c), repo, tag, c.imageId.replace(/^sha256:/, '').slice(0, 12)]);
    }
    ctx.stdout(renderTable(rows));
  } finally {
    session.client.close();
  }
}

/** `berth ls`: the projects on the engine, with their container states and config files (no stack file needed). */
export async function lsCommand(
  ctx: CliContext,
  global: ProjectOptions,
  opts: { all?: boolean; format?: string },
): Promise<void> {
  const client = dockerEngineClient(engineEndpoint(ctx.env, global).socketPath);
  try {
    const list = await client.containers.list({ all: true, labels: [LABEL.project] });
    const projects = new Map<string, { states: Map<string, number>; files: string }>();
    for (const c of list) {
      const name = c.labels[LABEL.project] ?? '';
      const p = projects.get(name) ?? { states: new Map<string, number>(), files: c.labels[LABEL.configFiles] ?? '' };
      p.states.set(c.state, (p.states.get(c.state) ?? 0) + 1);
      projects.set(name, p);
    }
    const rows = [...projects.entries()]
      .filter(([, p]) => opts.all || p.states.has('running'))
      .sort(([a], [b]) => compareText(a, b))
      .map(([name, p]) => ({
        Name: name,
        Status: [...p.states.entries()].map(([s, n]) => `${s}(${n})`).join(', '),
        ConfigFiles: p.files,
      }));
    if (opts.format === 'json') return ctx.stdout(`${JSON.stringify(rows)}\n`);
    const table = [['NAME', 'STATUS', 'CONFIG FILES'], ...rows.map((r) => [r.Name, r.Status, r.ConfigFiles])];
    ctx.stdout(renderTable(table));
  } finally {
    client.close();
  }
}
