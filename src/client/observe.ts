// What runs of a project, as the engine reports it, found by Compose's labels: `projectContainers` is the one
// listing of "the project's containers" every command uses, and `observeProject` the snapshot the planner
// plans against (containers, networks and volumes, three list calls made together). The Observed* types are
// plain data: the planner imports them as types only.
import { compareText } from '../compare-text.js';
import { LABEL } from '../planner/labels.js';
import type { ContainerSummary, EngineClient } from './types.js';

/** A container of the project, as the planner sees it. */
export interface ObservedContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  oneoff: boolean;
  configHash: string;
  /** The image ID the container was created from. */
  imageId: string;
  /** created | running | paused | restarting | exited | dead | removing */
  state: string;
  labels: Record<string, string>;
}

export interface ObservedNetwork {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface ObservedVolume {
  name: string;
  labels: Record<string, string>;
}

/** One snapshot of a project on an engine. */
export interface Observed {
  containers: ObservedContainer[];
  networks: ObservedNetwork[];
  volumes: ObservedVolume[];
}

/** Which of the project's containers: every one by default (stopped and one-off ones too). */
export interface ProjectContainerQuery {
  /** Only these services' containers; empty or absent: all. */
  services?: readonly string[];
  /** Running ones only. */
  running?: boolean;
  /** One-off (`run`) containers: kept by default. */
  oneoff?: 'include' | 'exclude';
  /** Only the replica with this com.docker.compose.container-number. */
  number?: number;
}

export const isOneoff = (c: ContainerSummary): boolean => c.labels[LABEL.oneoff] === 'True';

/** The project's containers that match, sorted by name. */
export async function projectContainers(
  client: EngineClient,
  project: string,
  query: ProjectContainerQuery = {},
): Promise<ContainerSummary[]> {
  const labels = [`${LABEL.project}=${project}`];
  // One service or one number narrows the engine's answer; several services are filtered here.
  if (query.services?.length === 1) labels.push(`${LABEL.service}=${query.services[0]}`);
  if (query.number !== undefined) labels.push(`${LABEL.number}=${query.number}`);
  const list = await client.containers.list({ all: query.running !== true, labels });
  return list
    .filter((c) => query.oneoff !== 'exclude' || !isOneoff(c))
    .filter((c) => !query.services?.length || query.services.includes(c.labels[LABEL.service] ?? ''))
    .sort((a, b) => compareText(a.name, b.name));
}

export function toObservedContainer(c: ContainerSummary): ObservedContainer {
  return {
    id: c.id,
    name: c.name,
    service: c.labels[LABEL.service] ?? '',
    number: Number(c.labels[LABEL.number] ?? '1'),
    oneoff: (c.labels[LABEL.oneoff] ?? 'False').toLowerCase() === 'true',
    configHash: c.labels[LABEL.configHash] ?? '',
    imageId: c.imageId,
    state: c.state,
    labels: c.labels,
  };
}

/** Everything of `project` on the engine; containers by name, so plans do not depend on the engine's order. */
export async function observeProject(client: EngineClient, project: string): Promise<Observed> {
  const labels = [`${LABEL.project}=${project}`];
  const [containers, networks, volumes] = await Promise.all([
    projectContainers(client, project),
    client.networks.list({ labels }),
    client.volumes.list({ labels }),
  ]);
  return {
    containers: containers.map(toObservedContainer),
    networks: networks.map((n) => ({ id: n.id, name: n.name, labels: n.labels })),
    volumes: volumes.map((v) => ({ name: v.name, labels: v.labels })),
  };
}
