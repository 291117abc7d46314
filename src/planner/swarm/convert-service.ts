// A service of the stack model as a Swarm service spec, as Compose's own conversion does it (docker/cli
// cli/compose/convert/service.go): named STACK_service, every object labelled with the stack namespace, the
// container's settings in TaskTemplate.ContainerSpec and `deploy` in the task template, mode and update config.
// Durations in the model are milliseconds; the API's are nanoseconds.
import type { ContainerSpec, Mount, PortConfig, ServiceSpec, TaskSpec } from '../../client/swarm/service-spec.js';
import { BerthError } from '../../errors.js';
import type { Service, Stack, VolumeMount } from '../../spec/model.js';
import { compareText } from '../../compare-text.js';
import { convertDeploy, type Deploy } from './convert-deploy.js';

export const NAMESPACE_LABEL = 'com.docker.stack.namespace';
const NS_PER_MS = 1_000_000;

/** What a service needs from outside the model: its image as the swarm must run it, and the object names. */
export interface ServiceContext {
  stack: Stack;
  /** The image reference every node runs (a digest or an ID, resolved by the caller). */
  image: string;
  /** The swarm names of the stack's secrets and configs by key (versioned by content, or external names). */
  secretNames: Readonly<Record<string, string>>;
  configNames: Readonly<Record<string, string>>;
}

export function stackScoped(namespace: string, name: string): string {
  return `${namespace}_${name}`;
}

export function toServiceSpec(service: Service, ctx: ServiceContext): ServiceSpec {
  const ns = ctx.stack.name;
  const deploy = (service.deploy ?? {}) as Deploy;
  const d = convertDeploy(deploy, service);
  const ports = (service.ports ?? []).flatMap((p) => toPortConfigs(p, service.name));
  const task: TaskSpec = {
    ContainerSpec: containerSpec(service, ctx),
    ...d.task,
    Networks: serviceNetworks(service, ctx.stack),
    ...(service.logging ? { LogDriver: logDriver(service.logging) } : {}),
  };
  return {
    Name: stackScoped(ns, service.name),
    Labels: { ...(deploy.labels ?? {}), [NAMESPACE_LABEL]: ns },
    TaskTemplate: task,
    Mode: d.mode,
    ...(d.updateConfig ? { UpdateConfig: d.updateConfig } : {}),
    ...(d.rollbackConfig ? { RollbackConfig: d.rollbackConfig } : {}),
    EndpointSpec: { Mode: deploy.endpoint_mode ?? 'vip', ...(ports.length > 0 ? { Ports: ports } : {}) },
  };
}

function containerSpec(s: Service, ctx: ServiceContext): ContainerSpec {
  const str = (k: string): string | undefined => (typeof s[k] === 'string' ? (s[k] as string) : undefined);
  const bool = (k: string): boolean | undefined => (typeof s[k] === 'boolean' ? (s[k] as boolean) : undefined);
  const list = (k: string): string[] | undefined => (Array.isArray(s[k]) ? (s[k] as string[]).map(String) : undefined);
  const spec: ContainerSpec = {
    Image: ctx.image,
    Labels: { ...(s.labels ?? {}), [NAMESPACE_LABEL]: ctx.stack.name },
    Command: s.entrypoint ?? undefined,
    Args: s.command ?? undefined,
    Hostname: str('hostname'),
    Env: env(s),
    Dir: str('working_dir'),
    User: str('user'),
    Groups: list('group_add'),
    TTY: bool('tty'),
    OpenStdin: bool('stdin_open'),
    ReadOnly: bool('read_only'),
    Init: bool('init'),
    StopSignal: str('stop_signal'),
    StopGracePeriod: s.stop_grace_period === undefined ? undefined : s.stop_grace_period * NS_PER_MS,
    Mounts: s.volumes && s.volumes.length > 0 ? s.volumes.map((v) => toMount(v, ctx.stack)) : undefined,
    Healthcheck: healthcheck(s),
    Hosts: s.extra_hosts ? hosts(s.extra_hosts) : undefined,
    DNSConfig:
      s.dns || s.dns_search || s.dns_opt ? { Nameservers: s.dns, Search: s.dns_search, Options: s.dns_opt } : undefined,
    Secrets: s.secrets?.map((r) => ({
      File: { Name: r.target ?? r.source, UID: r.uid ?? '0', GID: r.gid ?? '0', Mode: r.mode ?? 0o444 },
      SecretName: objectName(ctx.secretNames, r.source, 'secret', s.name),
    })),
    Configs: s.configs?.map((r) => ({
      File: { Name: r.target ?? `/${r.source}`, UID: r.uid ?? '0', GID: r.gid ?? '0', Mode: r.mode ?? 0o444 },
      ConfigName: objectName(ctx.configNames, r.source, 'config', s.name),
    })),
    Sysctls: s.sysctls,
    CapabilityAdd: list('cap_add'),
    CapabilityDrop: list('cap_drop'),
    Ulimits: s.ulimits
      ? Object.entries(s.ulimits)
          .sort(([a], [b]) => compareText(a, b))
          .map(([Name, u]) => ({ Name, Soft: u.soft, Hard: u.hard }))
      : undefined,
  };
  return dropUndefined(spec);
}

/** "KEY=value" sorted, as Compose sends them; a variable with no value is passed as its bare name. */
function env(s: Service): string[] | undefined {
  if (!s.environment) return undefined;
  return Object.entries(s.environment)
    .map(([k, v]) => (v === null ? k : `${k}=${v}`))
    .sort(compareText);
}

function healthcheck(s: Service): ContainerSpec['Healthcheck'] {
  const h = s.healthcheck;
  if (!h) return undefined;
  if (h.disable) return { Test: ['NONE'] };
  const ns = (v: number | undefined): number | undefined => (v === undefined ? undefined : v * NS_PER_MS);
  return dropUndefined({
    Test: h.test,
    Interval: ns(h.interval),
    Timeout: ns(h.timeout),
    Retries: h.retries,
    StartPeriod: ns(h.start_period),
  });
}

/** Swarm's hosts lines are "IP name", one per address. */
function hosts(extra: Record<string, string[]>): string[] {
  return Object.entries(extra).flatMap(([name, ips]) => ips.map((ip) => `${ip} ${name}`));
}

function toMount(v: VolumeMount, stack: Stack): Mount {
  if (v.type === 'tmpfs') {
    return dropUndefined({
      Type: 'tmpfs',
      Target: v.target,
      ReadOnly: v.read_only,
      TmpfsOptions: v.tmpfs ? dropUndefined({ SizeBytes: v.tmpfs.size, Mode: v.tmpfs.mode }) : undefined,
    });
  }
  if (v.type === 'bind') {
    return dropUndefined({
      Type: 'bind',
      Source: v.source,
      Target: v.target,
      ReadOnly: v.read_only,
      BindOptions: v.bind?.propagation ? { Propagation: v.bind.propagation } : undefined,
    });
  }
  if (v.type !== 'volume') {
    throw new BerthError('PLAN_SWARM_MOUNT', `a "${v.type}" mount at "${v.target}" cannot run on a swarm`, {
      hint: 'use a named volume, a bind or a tmpfs mount',
    });
  }
  const top = v.source === undefined ? undefined : stack.volumes[v.source];
  return dropUndefined({
    Type: 'volume',
    Source: top?.name ?? v.source,
    Target: v.target,
    ReadOnly: v.read_only,
    VolumeOptions: top
      ? dropUndefined({
          NoCopy: v.volume?.nocopy,
          Labels: top.external ? undefined : { ...(top.labels ?? {}), [NAMESPACE_LABEL]: stack.name },
          DriverConfig: top.driver ? dropUndefined({ Name: top.driver, Options: top.driver_opts }) : undefined,
        })
      : undefined,
  });
}

function serviceNetworks(s: Service, stack: Stack): TaskSpec['Networks'] {
  const out = Object.entries(s.networks ?? {}).map(([key, n]) => ({
    Target: stack.networks[key]?.name ?? key,
    Aliases: [s.name, ...(n?.aliases ?? [])],
  }));
  return out.sort((a, b) => compareText(a.Target, b.Target));
}

/** One port config per published port; a range "8000-8001" of targets maps port by port. */
function toPortConfigs(p: NonNullable<Service['ports']>[number], service: string): PortConfig[] {
  const protocol = (p.protocol || 'tcp') as PortConfig['Protocol'];
  const one = (target: number, published?: number): PortConfig => ({
    Protocol: protocol,
    TargetPort: target,
    ...(published !== undefined ? { PublishedPort: published } : {}),
    PublishMode: p.mode,
  });
  if (p.published === undefined || p.published === '') return [one(p.target)];
  const range = /^(\d+)(?:-(\d+))?$/.exec(p.published);
  if (!range) {
    throw new BerthError('PLAN_SWARM_PORT', `service "${service}": published port "${p.published}" is not a port`);
  }
  const first = Number(range[1]);
  const last = Number(range[2] ?? range[1]);
  return Array.from({ length: last - first + 1 }, (_, i) => one(p.target + i, first + i));
}

function logDriver(logging: unknown): TaskSpec['LogDriver'] {
  const l = logging as { driver?: string; options?: Record<string, string> };
  return l.driver ? dropUndefined({ Name: l.driver, Options: l.options }) : undefined;
}

function objectName(names: Readonly<Record<string, string>>, key: string, kind: string, service: string): string {
  const name = names[key];
  if (name === undefined) {
    throw new BerthError('PLAN_SWARM_UNDEFINED', `service "${service}" uses ${kind} "${key}", which is not defined`);
  }
  return name;
}

/** The spec without undefined fields, so that it hashes and compares as the engine gives it back. */
export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
