// Container records in the JSON shapes of the Docker Engine API v1.41: inspect (GET /containers/{id}/json) and
// the list summary (GET /containers/json). Compose reads State, Config, HostConfig, Mounts, Name and Labels.
import type { ContainerRecord } from './container-store.js';
import { healthSuffix } from './health-config.js';

export interface ContainerPaths {
  logPath: string;
  rootfs: string;
  upper: string;
  work: string;
  lowerdirs: string[];
  hostsPath: string;
  hostnamePath: string;
  resolvConfPath: string;
}

// A record stored before create bodies were type-checked may hold any JSON here: one such record must not make
// every list answer 500, so what is not a list reads as a string's one element, or as unset.
const argvOf = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : undefined;

function command(c: ContainerRecord, imageConfig: Record<string, unknown>): { path: string; args: string[] } {
  const entrypoint = argvOf(c.config.Entrypoint) ?? argvOf(imageConfig.Entrypoint) ?? [];
  const cmd = argvOf(c.config.Cmd) ?? (c.config.Entrypoint ? [] : (argvOf(imageConfig.Cmd) ?? []));
  const argv = [...entrypoint, ...cmd];
  return { path: argv[0] ?? '', args: argv.slice(1) };
}

/** What the volume and network modules report for a container (see attachments.ts). */
export interface AttachmentsJson {
  mounts: unknown[];
  networkSettings: Record<string, unknown>;
  /** The list summary's Ports: [{PrivatePort, PublicPort, Type, IP}]. */
  ports?: unknown[];
}

export function inspectJson(
  c: ContainerRecord,
  paths: ContainerPaths,
  imageConfig: Record<string, unknown>,
  attached: AttachmentsJson,
): unknown {
  const { path, args } = command(c, imageConfig);
  const labels = (c.config.Labels as Record<string, string> | undefined) ?? {};
  return {
    Id: c.id,
    Created: c.created,
    Path: path,
    Args: args,
    // Docker counts a container waiting to restart as running (so stop, kill and rm -f act on it).
    State: { ...c.state, Running: c.state.Running || c.state.Restarting },
    Image: c.imageId,
    ResolvConfPath: paths.resolvConfPath,
    HostnamePath: paths.hostnamePath,
    HostsPath: paths.hostsPath,
    LogPath: paths.logPath,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: {
      NetworkMode: 'none',
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      PidMode: '',
      ...c.hostConfig,
    },
    GraphDriver: {
      Name: 'overlay2',
      Data: {
        LowerDir: paths.lowerdirs.join(':'),
        MergedDir: paths.rootfs,
        UpperDir: paths.upper,
        WorkDir: paths.work,
      },
    },
    Mounts: attached.mounts,
    Config: {
      Hostname: (c.config.Hostname as string | undefined) || c.id.slice(0, 12),
      Domainname: '',
      User: '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: mergeEnv(imageConfig.Env as string[] | null, c.config.Env as string[] | null),
      Cmd: c.config.Cmd ?? imageConfig.Cmd ?? null,
      Image: c.image,
      Volumes: null,
      WorkingDir: (c.config.WorkingDir as string | undefined) || (imageConfig.WorkingDir as string | undefined) || '',
      Entrypoint: c.config.Entrypoint ?? imageConfig.Entrypoint ?? null,
      OnBuild: null,
      ...c.config,
      Labels: { ...((imageConfig.Labels as Record<string, string> | undefined) ?? {}), ...labels },
    },
    NetworkSettings: {
      Bridge: '',
      Networks: {},
      Ports: {},
      SandboxKey: '',
      IPAddress: '',
      Gateway: '',
      MacAddress: '',
      ...attached.networkSettings,
    },
  };
}

export function summaryJson(
  c: ContainerRecord,
  imageConfig: Record<string, unknown>,
  attached: AttachmentsJson,
): unknown {
  const { path, args } = command(c, imageConfig);
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.image,
    ImageID: c.imageId,
    Command: summaryCommand(path, args),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: attached.ports ?? [],
    Labels: (c.config.Labels as Record<string, string> | undefined) ?? {},
    State: c.state.Status,
    Status: statusText(c),
    HostConfig: { NetworkMode: (c.hostConfig.NetworkMode as string | undefined) ?? 'none' },
    NetworkSettings: { Networks: (attached.networkSettings.Networks as unknown) ?? {} },
    Mounts: attached.mounts,
  };
}

/** Docker's human status: "Up 5 seconds", "Exited (0) 2 minutes ago", "Created". */
export function statusText(c: ContainerRecord, now = Date.now()): string {
  const ago = (iso: string): string => humanDuration(now - Date.parse(iso));
  switch (c.state.Status) {
    case 'running':
      return `Up ${ago(c.state.StartedAt)}${healthSuffix(c.state.Health)}`;
    case 'restarting':
      return `Restarting (${c.state.ExitCode}) ${ago(c.state.FinishedAt)} ago`;
    case 'paused':
      return `Up ${ago(c.state.StartedAt)} (Paused)`;
    case 'exited':
      return `Exited (${c.state.ExitCode}) ${ago(c.state.FinishedAt)} ago`;
    case 'created':
      return 'Created';
    default:
      return c.state.Status.charAt(0).toUpperCase() + c.state.Status.slice(1);
  }
}

function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 1) return 'Less than a second';
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.round(s / 60);
  if (m < 60) return m === 1 ? 'About a minute' : `${m} minutes`;
  const h = Math.round(m / 60);
  if (h < 48) return h === 1 ? 'About an hour' : `${h} hours`;
  return `${Math.round(h / 24)} days`;
}

/**
 * Config with the image's EXPOSE ports added to its ExposedPorts, as dockerd's create merges them (daemon/commit.go
 * merge): inspect's Config.ExposedPorts, NetworkSettings.Ports and the list's Ports then show them.
 */
export function withImageExposedPorts(
  config: Record<string, unknown>,
  imageConfig: Record<string, unknown>,
): Record<string, unknown> {
  const image = (imageConfig.ExposedPorts as Record<string, object> | null | undefined) ?? {};
  if (Object.keys(image).length === 0) return config;
  const own = (config.ExposedPorts as Record<string, object> | null | undefined) ?? {};
  return { ...config, ExposedPorts: { ...image, ...own } };
}

/** Image environment overlaid by the container's, by variable name, in Docker's order. */
export function mergeEnv(image?: readonly string[] | null, own?: readonly string[] | null): string[] {
  const out = new Map<string, string>();
  for (const e of [...(image ?? []), ...(own ?? [])]) out.set(e.split('=')[0] as string, e);
  return [...out.values()];
}

/** The list's Command as dockerd writes it (daemon/list.go): arguments with a space are put in single quotes. */
export function summaryCommand(path: string, args: readonly string[]): string {
  return [path, ...args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
}

/** Docker's list-summary Ports from inspect's NetworkSettings.Ports map ("80/tcp" -> [{HostIp, HostPort}]). */
export function summaryPorts(ports: unknown): unknown[] {
  if (!ports || typeof ports !== 'object') return [];
  const out: unknown[] = [];
  for (const [key, bindings] of Object.entries(
    ports as Record<string, Array<{ HostIp: string; HostPort: string }> | null>,
  )) {
    const [port, type] = key.split('/');
    if (!bindings || bindings.length === 0) out.push({ PrivatePort: Number(port), Type: type ?? 'tcp' });
    for (const b of bindings ?? []) {
      out.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type ?? 'tcp' });
    }
  }
  return out;
}
