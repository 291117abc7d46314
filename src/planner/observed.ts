// What runs: a project's containers, networks and volumes as the engine reports them, found by Compose's project
// label. `observeProject` is the only part of this file that talks to the engine; the rest is data.
import type { EngineClient } from '../client/engine-client.js';
import { filters } from '../client/engine-client.js';
import { LABEL } from './labels.js';

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

export interface Observed {
  containers: ObservedContainer[];
  networks: ObservedNetwork[];
  volumes: ObservedVolume[];
}

interface ContainerSummary {
  Id: string;
  Names: string[];
  ImageID: string;
  State: string;
  Labels: Record<string, string> | null;
}

export function toObservedContainer(c: ContainerSummary): ObservedContainer {
  const labels = c.Labels ?? {};
  return {
    id: c.Id,
    name: (c.Names[0] ?? '').replace(/^\//, ''),
    service: labels[LABEL.service] ?? '',
    number: Number(labels[LABEL.number] ?? '1'),
    oneoff: (labels[LABEL.oneoff] ?? 'False').toLowerCase() === 'true',
    configHash: labels[LABEL.configHash] ?? '',
    imageId: c.ImageID,
    state: c.State,
    labels,
  };
}

/** Everything of `project` on the engine: three list calls, made together. */
export async function observeProject(client: EngineClient, project: string): Promise<Observed> {
  const byProject = filters({ label: [`${LABEL.project}=${project}`] });
  const [containers, networks, volumes] = await Promise.all([
    client.call<ContainerSummary[]>('GET', '/containers/json', { query: { all: 1, filters: byProject } }),
    client.call<Array<{ Id: string; Name: string; Labels: Record<string, string> | null }>>('GET', '/networks', {
      query: { filters: byProject },
    }),
    client.call<{ Volumes: Array<{ Name: string; Labels: Record<string, string> | null }> | null }>('GET', '/volumes', {
      query: { filters: byProject },
    }),
  ]);
  return {
    containers: containers.map(toObservedContainer),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} })),
    volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} })),
  };
}
