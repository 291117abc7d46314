// `berth stack rm STACK`: every object of the stack, services first. The tasks of a removed service stop after
// the call returns, and a swarm manager accepts the removal of a network its tasks still use, which leaves their
// containers unable to detach (dockerd 20.10 logs "unknown network" and keeps them): so networks go only once
// the services' tasks are gone, as `docker stack rm` waits since Docker 26.
import type { SwarmClient } from '../../client/swarm/types.js';
import { STACK_NAMESPACE_LABEL } from '../../client/swarm/observe.js';
import { isEngineError } from '../../client/errors.js';
import { BerthError } from '../../errors.js';
import { tasksGone } from './stack-apply.js';

export interface StackRemoveReport {
  services: string[];
  secrets: string[];
  configs: string[];
  networks: string[];
}

export async function stackRemove(
  swarm: SwarmClient,
  stack: string,
  opts: { timeoutMs: number; say: (line: string) => void },
): Promise<StackRemoveReport> {
  const labels = [`${STACK_NAMESPACE_LABEL}=${stack}`];
  const [services, secrets, configs, networks] = await Promise.all([
    swarm.services.list({ labels }),
    swarm.secrets.list({ labels }),
    swarm.configs.list({ labels }),
    swarm.networks.list({ labels }),
  ]);
  if (services.length + secrets.length + configs.length + networks.length === 0) {
    throw new BerthError('CLI_NO_SUCH_STACK', `nothing of stack "${stack}" is on this swarm`, {
      hint: 'see the stacks with `berth stack ls`',
    });
  }
  for (const s of services) {
    opts.say(`Removing service ${s.spec.Name}`);
    await gone(() => swarm.services.remove(s.id));
  }
  for (const o of secrets) {
    opts.say(`Removing secret ${o.name}`);
    await gone(() => swarm.secrets.remove(o.id));
  }
  for (const o of configs) {
    opts.say(`Removing config ${o.name}`);
    await gone(() => swarm.configs.remove(o.id));
  }
  await tasksGone(
    swarm,
    services.map((s) => s.id),
    opts.timeoutMs,
  );
  for (const n of networks) {
    opts.say(`Removing network ${n.name}`);
    await gone(() => swarm.networks.remove(n.id));
  }
  await networksGone(swarm, labels, opts.timeoutMs);
  return {
    services: services.map((s) => s.spec.Name),
    secrets: secrets.map((o) => o.name),
    configs: configs.map((o) => o.name),
    networks: networks.map((n) => n.name),
  };
}

/**
 * Waits until no network of the stack is listed: the manager accepts a removal while the node still holds its
 * copy of the network for a moment (the removed tasks' containers detaching), and a deploy right after would meet it.
 */
async function networksGone(swarm: SwarmClient, labels: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await swarm.networks.list({ labels })).length > 0) {
    if (Date.now() > deadline) {
      throw new BerthError('CLI_SWARM_NETWORKS_LEFT', 'the networks of the stack are still being removed', {
        hint: "run `berth stack rm` again once the stack's containers are gone (docker ps)",
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A removal where "already gone" is as good as done. */
async function gone(remove: () => Promise<void>): Promise<void> {
  try {
    await remove();
  } catch (e) {
    if (!isEngineError(e, 'not-found')) throw e;
  }
}
