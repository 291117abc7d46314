// `berth stack ls`, `stack services STACK` and `stack ps STACK`: what a swarm runs of its stacks, as tables
// like the docker CLI's (or JSON). The data comes back to the caller, which prints it.
import type { SwarmClient, SwarmService, SwarmTask } from '../../client/swarm/types.js';
import { STACK_NAMESPACE_LABEL } from '../../client/swarm/observe.js';
import { compareText } from '../../compare-text.js';
import { renderTable } from '../table.js';

export async function stackList(swarm: SwarmClient, format: string): Promise<string> {
  const services = await swarm.services.list({ labels: [STACK_NAMESPACE_LABEL] });
  const counts = new Map<string, number>();
  for (const s of services) {
    const ns = s.spec.Labels[STACK_NAMESPACE_LABEL] ?? '';
    counts.set(ns, (counts.get(ns) ?? 0) + 1);
  }
  const rows = [...counts.entries()].sort(([a], [b]) => compareText(a, b));
  if (format === 'json') return `${JSON.stringify(rows.map(([name, n]) => ({ name, services: n })))}\n`;
  return renderTable([['NAME', 'SERVICES'], ...rows.map(([name, n]) => [name, String(n)])]);
}

export async function stackServices(swarm: SwarmClient, stack: string, format: string): Promise<string> {
  const services = await stackServiceList(swarm, stack);
  const rows = services.map((s) => ({
    id: s.id,
    name: s.spec.Name,
    mode: 'Global' in s.spec.Mode ? 'global' : 'replicated',
    replicas: s.replicas ? `${s.replicas.running}/${s.replicas.desired}` : '',
    image: s.spec.TaskTemplate.ContainerSpec.Image,
    ports: (s.spec.EndpointSpec?.Ports ?? [])
      .map((p) => `*:${p.PublishedPort ?? ''}->${p.TargetPort}/${p.Protocol}`)
      .join(', '),
  }));
  if (format === 'json') return `${JSON.stringify(rows)}\n`;
  return renderTable([
    ['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE', 'PORTS'],
    ...rows.map((r) => [r.id.slice(0, 12), r.name, r.mode, r.replicas, r.image, r.ports]),
  ]);
}

export async function stackTasks(swarm: SwarmClient, stack: string, format: string): Promise<string> {
  const services = await stackServiceList(swarm, stack);
  const nodes = new Map((await swarm.nodes.list()).map((n) => [n.id, n.hostname]));
  const tasks: Array<{ service: SwarmService; task: SwarmTask }> = (
    await Promise.all(
      services.map(async (service) =>
        (await swarm.tasks.list({ service: service.id })).map((task) => ({ service, task })),
      ),
    )
  ).flat();
  const rows = tasks
    .map(({ service, task }) => ({
      id: task.id,
      name: `${service.spec.Name}.${task.slot ?? task.nodeId}`,
      image: task.image,
      node: nodes.get(task.nodeId) ?? task.nodeId,
      desiredState: task.desiredState,
      state: task.state,
      error: task.error ?? '',
    }))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.desiredState, b.desiredState));
  if (format === 'json') return `${JSON.stringify(rows)}\n`;
  return renderTable([
    ['ID', 'NAME', 'IMAGE', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR'],
    ...rows.map((r) => [r.id.slice(0, 12), r.name, r.image, r.node, r.desiredState, r.state, r.error]),
  ]);
}

/** The services of a stack, sorted by name. */
export async function stackServiceList(swarm: SwarmClient, stack: string): Promise<SwarmService[]> {
  const services = await swarm.services.list({ labels: [`${STACK_NAMESPACE_LABEL}=${stack}`] });
  return services.sort((a, b) => compareText(a.spec.Name, b.spec.Name));
}
