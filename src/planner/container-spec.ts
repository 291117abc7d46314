// One replica of a service as the Engine API request that creates it, the way Docker Compose v2 builds it
// (pkg/compose/create.go getCreateConfigs, convergence.go createMobyContainer, the labels of pkg/api/labels.go),
// so containers berth creates and those `docker compose up` creates are alike, label for label.
// Pure: every engine-side fact (network and volume names, other services' containers) comes in the input.
import type { ContainerCreateBody, EndpointSettings, HealthConfig } from '../client/api-types.js';
import type { Service, Stack } from '../spec/model.js';
import { containerMounts } from './container-mounts.js';
import { containerNetworking } from './container-network.js';
import { containerHostSettings } from './container-host.js';
import type { SpecNotes } from './container-refs.js';
import { DEFAULT_API_VERSION } from './container-refs.js';
import { asBoolean, asString, asStringList, isApiAtLeast, sortKeys } from './model-values.js';

export interface ContainerSpecInput {
  stack: Stack;
  service: Service;
  /** Replica number, 1-based (com.docker.compose.container-number). */
  number: number;
  /** The container's final name: `${project}-${service}-${number}` or container_name; also its first alias. */
  name: string;
  /** Image reference to run: service.image, or `${project}-${service}` when built. */
  image: string;
  configHash: string;
  /** com.docker.compose.project.working_dir */
  workingDir: string;
  /** com.docker.compose.project.config_files, joined with "," */
  configFiles: string[];
  /** A `run` container: com.docker.compose.oneoff "True", and no network aliases unless useNetworkAliases. */
  oneoff?: boolean;
  /** Engine names of the stack's networks and volumes by their key (default -> myproj_default). */
  networkNames: Record<string, string>;
  volumeNames: Record<string, string>;
  /** The first replica's container (name or id) of another service, for `service:NAME` references. */
  serviceContainer: (service: string) => string | undefined;
  /** com.docker.compose.version; default '2.29.0'. */
  composeVersion?: string;
  /** The Engine API version the request is for; default '1.41'. 1.44 and later take every network at create. */
  apiVersion?: string;
  /** com.docker.compose.image: the ID of the image the container runs, when known. */
  imageDigest?: string;
  /** com.docker.compose.project.environment_file: the --env-file paths, when given. */
  environmentFiles?: string[];
  /** com.docker.compose.replace: the id of the container this one replaces. */
  replaces?: string;
  /** Network aliases [service, ...aliases] besides the container name; default true, false for oneoff (Compose `run`). */
  useNetworkAliases?: boolean;
  /** All containers (names) of a service, for `links`; default the one serviceContainer gives. */
  linkContainers?: (service: string) => readonly string[];
  /** HTTP_PROXY and the like from the Docker CLI config; the service's environment overrides them. */
  proxyEnvironment?: Readonly<Record<string, string>>;
  /** DOCKER_DEFAULT_PLATFORM, used when the service sets no platform. */
  defaultPlatform?: string;
}

/** A network to connect the container to after create and before start (Engine API before 1.44). */
export interface ExtraNetwork {
  /** The network's key in the stack and its Engine name. */
  key: string;
  network: string;
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
  /** The full EndpointConfig of `POST /networks/{network}/connect`. */
  endpoint: EndpointSettings;
}

/**
 * The request to create one container. Deterministic: equal inputs give deep-equal requests, with Env sorted by
 * key and Labels by key. Never throws: what it cannot express is listed instead, as key paths under the service
 * (`secrets[0]`, `healthcheck.start_interval`), so the CLI can warn and the caller decide.
 */
export interface CreateRequest {
  /** The `name` query parameter. */
  name: string;
  body: ContainerCreateBody;
  /** The `platform` query parameter (os[/arch[/variant]]), when the service or DOCKER_DEFAULT_PLATFORM sets one. */
  platform?: string;
  /** Networks besides the primary one, in priority order; empty for API 1.44 and later. */
  extraNetworks: ExtraNetwork[];
  /** Keys Compose would pass to the Engine that this request leaves out. */
  unsupported: string[];
  /** `service:NAME` references (network_mode, ipc, pid, volumes_from) with no container yet: do not send. */
  unresolved: string[];
}

export const DEFAULT_COMPOSE_VERSION = '2.29.0';

export function containerCreateRequest(input: ContainerSpecInput): CreateRequest {
  const { service } = input;
  const notes: SpecNotes = { unsupported: [], unresolved: [] };
  const apiVersion = input.apiVersion ?? DEFAULT_API_VERSION;
  const net = containerNetworking(input, notes);
  const mounts = containerMounts(input, notes);
  const host = containerHostSettings(input, notes);
  // Compose merges label_file into labels and mounts the API socket for use_api_socket; the model has neither
  if (asStringList(service.label_file)?.length) notes.unsupported.push('label_file');
  if (asBoolean(service.use_api_socket)) notes.unsupported.push('use_api_socket');

  const body: ContainerCreateBody = { Image: input.image, HostConfig: {} };
  const set = <K extends keyof ContainerCreateBody>(k: K, v: ContainerCreateBody[K] | undefined): void => {
    if (v !== undefined && v !== '' && v !== false) body[k] = v;
  };
  set('Hostname', asString(service.hostname));
  set('Domainname', asString(service.domainname));
  set('User', asString(service.user));
  set('AttachStdout', true);
  set('AttachStderr', true);
  set('ExposedPorts', net.exposedPorts);
  set('Tty', asBoolean(service.tty));
  set('OpenStdin', asBoolean(service.stdin_open));
  set('Env', containerEnv(input));
  // Compose passes command and entrypoint when set, even empty: `entrypoint: []` clears the image's entrypoint
  if (Array.isArray(service.command)) body.Cmd = [...service.command];
  set('Healthcheck', healthConfig(service, apiVersion, notes));
  set('WorkingDir', asString(service.working_dir));
  if (Array.isArray(service.entrypoint)) body.Entrypoint = [...service.entrypoint];
  set('NetworkDisabled', service.network_mode === 'disabled');
  set('MacAddress', net.macAddress);
  body.Labels = containerLabels(input);
  set('StopSignal', asString(service.stop_signal));
  // Go's int(d.Seconds()): whole seconds, truncated
  if (service.stop_grace_period !== undefined) body.StopTimeout = Math.trunc(service.stop_grace_period / 1000);

  body.HostConfig = sortKeys({ ...mounts, ...net.host, ...host });
  if (net.networkingConfig) body.NetworkingConfig = net.networkingConfig;

  const request: CreateRequest = {
    name: input.name,
    body,
    extraNetworks: net.extraNetworks,
    unsupported: [...new Set(notes.unsupported)],
    unresolved: [...new Set(notes.unresolved)],
  };
  const platform = asString(service.platform) ?? input.defaultPlatform;
  if (platform) request.platform = platform;
  return request;
}

const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  version: 'com.docker.compose.version',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  environmentFile: 'com.docker.compose.project.environment_file',
  oneoff: 'com.docker.compose.oneoff',
  image: 'com.docker.compose.image',
  replace: 'com.docker.compose.replace',
  configHash: 'com.docker.compose.config-hash',
  number: 'com.docker.compose.container-number',
  dependsOn: 'com.docker.compose.depends_on',
} as const;

/** The service's labels under Compose's own (which win), sorted by key. */
export function containerLabels(input: ContainerSpecInput): Record<string, string> {
  const { service } = input;
  const labels: Record<string, string> = { ...service.labels };
  labels[LABEL.project] = input.stack.name;
  labels[LABEL.service] = service.name;
  labels[LABEL.version] = input.composeVersion ?? DEFAULT_COMPOSE_VERSION;
  labels[LABEL.workingDir] = input.workingDir;
  labels[LABEL.configFiles] = input.configFiles.join(',');
  labels[LABEL.oneoff] = input.oneoff ? 'True' : 'False';
  if (input.environmentFiles?.length) labels[LABEL.environmentFile] = input.environmentFiles.join(',');
  if (input.imageDigest) labels[LABEL.image] = input.imageDigest;
  if (input.replaces) labels[LABEL.replace] = input.replaces;
  labels[LABEL.configHash] = input.configHash;
  labels[LABEL.number] = String(input.number);
  // "svc:condition:restart" with Go's %t, always set (empty without depends_on); Compose walks a Go map, berth sorts
  labels[LABEL.dependsOn] = Object.keys(service.depends_on ?? {})
    .sort()
    .map((name) => {
      const d = service.depends_on?.[name];
      return `${name}:${d?.condition ?? 'service_started'}:${d?.restart === true}`;
    })
    .join(',');
  return sortKeys(labels);
}

/** "KEY=value" sorted by key; a variable with no value is sent bare, which unsets the image's (Compose ToMobyEnv). */
export function containerEnv(input: ContainerSpecInput): string[] | undefined {
  const env: Record<string, string | null> = { ...input.proxyEnvironment, ...input.service.environment };
  const keys = Object.keys(env).sort();
  if (keys.length === 0) return undefined;
  return keys.map((k) => (env[k] === null ? k : `${k}=${env[k]}`));
}

const NS_PER_MS = 1_000_000;

/** Compose ToMobyHealthCheck: durations in ns, zero values left out, `disable` as Test ["NONE"]. */
function healthConfig(service: Service, apiVersion: string, notes: SpecNotes): HealthConfig | undefined {
  const h = service.healthcheck;
  if (!h) return undefined;
  const out: HealthConfig = {};
  const test = h.disable ? ['NONE'] : h.test;
  if (test) out.Test = [...test];
  const ns = (ms: number | undefined): number | undefined => (ms ? Math.round(ms * NS_PER_MS) : undefined);
  const put = (k: keyof HealthConfig, v: number | undefined): void => {
    if (v) (out as Record<string, unknown>)[k] = v;
  };
  put('Interval', ns(h.interval));
  put('Timeout', ns(h.timeout));
  put('StartPeriod', ns(h.start_period));
  // Compose refuses start_interval below API 1.44 (Docker Engine 25)
  if (h.start_interval !== undefined && !isApiAtLeast(apiVersion, '1.44')) {
    notes.unsupported.push('healthcheck.start_interval');
  } else {
    put('StartInterval', ns(h.start_interval));
  }
  put('Retries', h.retries);
  return out;
}
