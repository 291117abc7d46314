// SwarmClient over the Docker Engine API (dockerd as a swarm manager). Docker's JSON shapes stay in this file:
// what leaves it is the engine-neutral types of types.ts.
import type { EngineClient } from '../types.js';
import { filtersParam } from '../docker/transport.js';
import type { ServiceSpec } from './service-spec.js';
import type {
  LabelFilter,
  SwarmClient,
  SwarmNetwork,
  SwarmNode,
  SwarmObject,
  SwarmObjectStore,
  SwarmService,
  SwarmState,
  SwarmTask,
} from './types.js';
import { type SwarmTransport, swarmTransport } from './transport.js';

interface DockerService {
  ID: string;
  Version: { Index: number };
  Spec: ServiceSpec;
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number };
}

interface DockerTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState: string;
  Status: { State: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
  Spec: { ContainerSpec: { Image: string } };
}

type DockerObject = { ID: string; Spec: { Name: string; Labels?: Record<string, string> | null } };

export function dockerSwarmClient(client: EngineClient): SwarmClient {
  return swarmClientOver(swarmTransport(client));
}

export function swarmClientOver(t: SwarmTransport): SwarmClient {
  const labelQuery = (f: LabelFilter = {}, extra: Record<string, string[]> = {}): { filters?: string } => {
    const all = { ...(f.labels && f.labels.length > 0 ? { label: [...f.labels] } : {}), ...extra };
    return Object.keys(all).length > 0 ? { filters: filtersParam(all) } : {};
  };
  const objects = (kind: 'secrets' | 'configs'): SwarmObjectStore => ({
    list: async (f) =>
      (await t.call<DockerObject[]>('GET', `/${kind}`, { query: labelQuery(f) })).map((o): SwarmObject => ({
        id: o.ID,
        name: o.Spec.Name,
        labels: o.Spec.Labels ?? {},
      })),
    create: async (req) => {
      const r = await t.call<{ ID: string }>('POST', `/${kind}/create`, {
        body: { Name: req.name, Labels: req.labels, Data: req.data },
      });
      return { id: r.ID };
    },
    remove: async (ref) => {
      await t.call('DELETE', `/${kind}/${encodeURIComponent(ref)}`);
    },
  });
  return {
    state: async (): Promise<SwarmState> => {
      const info = await t.call<{
        ID?: string;
        Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
      }>('GET', '/info');
      const s = info.Swarm ?? {};
      const state = (s.LocalNodeState || 'inactive') as SwarmState['state'];
      return {
        state,
        manager: state === 'active' && s.ControlAvailable === true,
        nodeId: s.NodeID ?? '',
        isBerthd: info.ID === 'berthd',
      };
    },
    services: {
      list: async (f) =>
        (await t.call<DockerService[]>('GET', '/services', { query: { ...labelQuery(f), status: true } })).map(
          toService,
        ),
      inspect: async (ref) => {
        const s = await t.find<DockerService>(`/services/${encodeURIComponent(ref)}`);
        return s && toService(s);
      },
      create: async (spec) => {
        const r = await t.call<{ ID: string; Warnings?: string[] | null }>('POST', '/services/create', { body: spec });
        return { id: r.ID, warnings: r.Warnings ?? [] };
      },
      update: async (id, version, spec) => {
        const r = await t.call<{ Warnings?: string[] | null } | undefined>(
          'POST',
          `/services/${encodeURIComponent(id)}/update`,
          { query: { version }, body: spec },
        );
        return { warnings: r?.Warnings ?? [] };
      },
      remove: async (ref) => {
        await t.call('DELETE', `/services/${encodeURIComponent(ref)}`);
      },
    },
    tasks: {
      list: async (f = {}) =>
        (
          await t.call<DockerTask[]>('GET', '/tasks', {
            query: labelQuery(f, f.service ? { service: [f.service] } : {}),
          })
        ).map(toTask),
    },
    secrets: objects('secrets'),
    configs: objects('configs'),
    networks: {
      list: async (f) =>
        (
          await t.call<
            Array<{ Id: string; Name: string; Driver: string; Scope: string; Labels?: Record<string, string> | null }>
          >('GET', '/networks', { query: labelQuery(f) })
        ).map((n): SwarmNetwork => ({
          id: n.Id,
          name: n.Name,
          driver: n.Driver,
          scope: n.Scope,
          labels: n.Labels ?? {},
        })),
      create: async (req) => {
        const r = await t.call<{ Id: string }>('POST', '/networks/create', {
          body: {
            Name: req.name,
            Driver: req.driver,
            Attachable: req.attachable ?? false,
            Internal: req.internal ?? false,
            Options: req.driverOpts ?? {},
            Labels: req.labels,
            CheckDuplicate: true,
            ...(req.ipam
              ? {
                  IPAM: {
                    Driver: req.ipam.driver ?? 'default',
                    Config: (req.ipam.config ?? []).map((c) => ({
                      Subnet: c.subnet,
                      Gateway: c.gateway,
                      IPRange: c.ipRange,
                    })),
                  },
                }
              : {}),
          },
        });
        return { id: r.Id };
      },
      remove: async (ref) => {
        await t.call('DELETE', `/networks/${encodeURIComponent(ref)}`);
      },
    },
    nodes: {
      list: async () =>
        (
          await t.call<
            Array<{
              ID: string;
              Description?: { Hostname?: string };
              Spec: { Role: 'manager' | 'worker'; Availability: string };
              Status: { State: string };
            }>
          >('GET', '/nodes')
        ).map((n): SwarmNode => ({
          id: n.ID,
          hostname: n.Description?.Hostname ?? '',
          role: n.Spec.Role,
          availability: n.Spec.Availability,
          state: n.Status.State,
        })),
    },
  };
}

function toService(s: DockerService): SwarmService {
  return {
    id: s.ID,
    version: s.Version.Index,
    spec: s.Spec,
    ...(s.ServiceStatus
      ? { replicas: { desired: s.ServiceStatus.DesiredTasks, running: s.ServiceStatus.RunningTasks } }
      : {}),
  };
}

function toTask(k: DockerTask): SwarmTask {
  return {
    id: k.ID,
    serviceId: k.ServiceID,
    ...(k.Slot ? { slot: k.Slot } : {}),
    nodeId: k.NodeID ?? '',
    desiredState: k.DesiredState,
    state: k.Status.State,
    message: k.Status.Message ?? '',
    ...(k.Status.Err ? { error: k.Status.Err } : {}),
    image: k.Spec.ContainerSpec.Image,
    ...(k.Status.ContainerStatus?.ContainerID ? { containerId: k.Status.ContainerStatus.ContainerID } : {}),
  };
}
