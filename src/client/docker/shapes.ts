// Docker's JSON answers turned into the engine-neutral types of ../types.ts: the only place that knows Docker's
// field names for what the engine reports. Pure, and lenient as the docker CLI is: a field an engine leaves out
// (older dockerd, berthd) becomes its empty value rather than an error.
import type { ContainerCreateBody } from '../api-types.js';
import type {
  ContainerDetails,
  ContainerHealth,
  ContainerSummary,
  EngineEvent,
  EngineInfo,
  ExecDetails,
  ImageDetails,
  ImageSummary,
  NetworkSummary,
  PublishedPort,
  VolumeSummary,
} from '../types.js';

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const labelsOf = (v: unknown): Record<string, string> => ({ ...(obj(v) as Record<string, string>) });

export function toContainerSummary(c: Json): ContainerSummary {
  const networks = Object.keys(obj(obj(c.NetworkSettings).Networks));
  return {
    id: str(c.Id),
    name: (strings(c.Names)[0] ?? '').replace(/^\//, ''),
    image: str(c.Image),
    imageId: str(c.ImageID),
    command: str(c.Command),
    created: num(c.Created),
    state: str(c.State),
    status: str(c.Status),
    labels: labelsOf(c.Labels),
    ports: (Array.isArray(c.Ports) ? (c.Ports as Json[]) : []).map(toPublishedPort),
    networks,
  };
}

function toPublishedPort(p: Json): PublishedPort {
  return {
    privatePort: num(p.PrivatePort),
    publicPort: typeof p.PublicPort === 'number' && p.PublicPort > 0 ? p.PublicPort : undefined,
    ip: typeof p.IP === 'string' && p.IP !== '' ? p.IP : undefined,
    type: (str(p.Type) || 'tcp') as PublishedPort['type'],
  };
}

export function toContainerDetails(c: Json): ContainerDetails {
  const state = obj(c.State);
  const config = obj(c.Config);
  const settings = obj(c.NetworkSettings);
  const networks: ContainerDetails['networks'] = {};
  for (const [name, n] of Object.entries(obj(settings.Networks))) {
    const e = obj(n);
    networks[name] = { ipAddress: str(e.IPAddress), aliases: strings(e.Aliases), networkId: str(e.NetworkID) };
  }
  const ports: ContainerDetails['ports'] = {};
  for (const [port, b] of Object.entries(obj(settings.Ports))) {
    ports[port] = Array.isArray(b)
      ? (b as Json[]).map((x) => ({ hostIp: str(x.HostIp), hostPort: str(x.HostPort) }))
      : null;
  }
  return {
    id: str(c.Id),
    name: str(c.Name).replace(/^\//, ''),
    imageId: str(c.Image),
    created: str(c.Created),
    state: {
      status: str(state.Status),
      running: state.Running === true,
      paused: state.Paused === true,
      restarting: state.Restarting === true,
      exitCode: num(state.ExitCode),
      pid: num(state.Pid),
      startedAt: str(state.StartedAt),
      finishedAt: str(state.FinishedAt),
      error: str(state.Error),
      oomKilled: state.OOMKilled === true,
      health: state.Health === undefined || state.Health === null ? undefined : toHealth(obj(state.Health)),
    },
    restartCount: num(c.RestartCount),
    config: {
      ...config,
      Labels: labelsOf(config.Labels),
      HostConfig: obj(c.HostConfig),
    } as unknown as ContainerCreateBody,
    networks,
    ports,
    mounts: (Array.isArray(c.Mounts) ? (c.Mounts as Json[]) : []).map((m) => ({
      type: str(m.Type),
      name: typeof m.Name === 'string' && m.Name !== '' ? m.Name : undefined,
      source: str(m.Source),
      destination: str(m.Destination),
      rw: m.RW !== false,
    })),
  };
}

function toHealth(h: Json): ContainerHealth {
  return {
    status: (str(h.Status) || 'none') as ContainerHealth['status'],
    failingStreak: num(h.FailingStreak),
    log: (Array.isArray(h.Log) ? (h.Log as Json[]) : []).map((l) => ({
      start: str(l.Start),
      end: str(l.End),
      exitCode: num(l.ExitCode),
      output: str(l.Output),
    })),
  };
}

export function toExecDetails(e: Json): ExecDetails {
  return {
    id: str(e.ID),
    running: e.Running === true,
    exitCode: typeof e.ExitCode === 'number' && e.Running !== true ? e.ExitCode : undefined,
    pid: num(e.Pid),
    containerId: str(e.ContainerID),
  };
}

export function toImageSummary(i: Json): ImageSummary {
  return {
    id: str(i.Id),
    repoTags: strings(i.RepoTags).filter((t) => t !== '<none>:<none>'),
    repoDigests: strings(i.RepoDigests).filter((t) => t !== '<none>@<none>'),
    created: num(i.Created),
    size: num(i.Size),
    labels: labelsOf(i.Labels),
  };
}

export function toImageDetails(i: Json): ImageDetails {
  return {
    id: str(i.Id),
    repoTags: strings(i.RepoTags),
    repoDigests: strings(i.RepoDigests),
    created: str(i.Created),
    architecture: str(i.Architecture),
    os: str(i.Os),
    variant: typeof i.Variant === 'string' && i.Variant !== '' ? i.Variant : undefined,
    size: num(i.Size),
    config: obj(i.Config),
    layers: strings(obj(i.RootFS).Layers),
    lastTagTime: str(obj(i.Metadata).LastTagTime) || undefined,
  };
}

export function toNetworkSummary(n: Json): NetworkSummary {
  return {
    id: str(n.Id),
    name: str(n.Name),
    driver: str(n.Driver),
    scope: str(n.Scope),
    internal: n.Internal === true,
    labels: labelsOf(n.Labels),
    containers: n.Containers === undefined || n.Containers === null ? undefined : Object.keys(obj(n.Containers)),
  };
}

export function toVolumeSummary(v: Json): VolumeSummary {
  return { name: str(v.Name), driver: str(v.Driver), mountpoint: str(v.Mountpoint), labels: labelsOf(v.Labels) };
}

/** One line of GET /events. `timeNano` is read from the text: JSON.parse would round it to a double. */
export function toEngineEvent(line: string): EngineEvent {
  const raw = JSON.parse(line) as Json;
  const actor = obj(raw.Actor);
  const nano = /"timeNano"\s*:\s*(\d+)/.exec(line)?.[1];
  return {
    type: str(raw.Type),
    action: str(raw.Action) || str(raw.status),
    id: str(actor.ID) || str(raw.id),
    attributes: labelsOf(actor.Attributes),
    timeNano: nano !== undefined ? BigInt(nano) : BigInt(num(raw.time)) * 1_000_000_000n,
  };
}

export function toEngineInfo(info: Json, version: Json): EngineInfo {
  const swarm = str(obj(info.Swarm).LocalNodeState);
  return {
    name: str(info.Name),
    serverVersion: str(info.ServerVersion) || str(version.Version),
    apiVersion: str(version.ApiVersion),
    os: str(info.OSType) || str(version.Os),
    architecture: str(info.Architecture) || str(version.Arch),
    isBerthd: str(obj(version.Platform).Name) === 'berthd',
    securityOptions: strings(info.SecurityOptions),
    swarm: (swarm || 'inactive') as EngineInfo['swarm'],
  };
}
