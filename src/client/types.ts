// The one door from the CLI and the planner to an engine: `EngineClient`, grouped by resource, in engine-neutral
// types. Nothing here names an HTTP path or a status code; those live in the implementation over the Docker
// Engine API (src/client/docker/, which drives berthd and dockerd alike) and the in-memory one for unit tests
// (src/client/memory/). Both are held to the same behaviour by one contract suite (test/client/contract.ts).
//
// A container's configuration is Docker's create body (`ContainerCreateBody` in api-types.ts): it is the data
// model of a container that every engine berth drives speaks, not a transport detail, and Compose builds the
// same structure. Names and ids are interchangeable wherever the engine takes either ("ref").
import type { Readable, Writable } from 'node:stream';
import type { ContainerCreateBody, EndpointSettings } from './api-types.js';

/** What every error of an EngineClient is: see errors.ts (`EngineError`, with `kind`, `code` and `hint`). */
export type EngineErrorKind =
  | 'not-found' // no such container, image, network, volume or exec
  | 'conflict' // a name in use, a container running where it must not be, a removal under way
  | 'invalid' // the engine refused the request as malformed or not allowed
  | 'not-modified' // already in the asked state (start of a running container, stop of a stopped one)
  | 'unauthorized' // a registry refused the credentials
  | 'unavailable' // the engine (or a registry) cannot be reached
  | 'internal'; // the engine failed; its log says more

/** A container as a list shows it. `name` has no leading slash; `labels` is never null. */
export interface ContainerSummary {
  id: string;
  name: string;
  /** The image as the container was created with it (a reference, or an ID). */
  image: string;
  imageId: string;
  command: string;
  /** Seconds since the epoch. */
  created: number;
  /** created | running | paused | restarting | exited | removing | dead */
  state: string;
  /** The engine's human status ("Up 3 seconds (healthy)"). */
  status: string;
  labels: Record<string, string>;
  ports: PublishedPort[];
  /** Network names the container is attached to. */
  networks: string[];
}

export interface PublishedPort {
  privatePort: number;
  publicPort?: number;
  /** "0.0.0.0", "::" or a host address; absent when not published. */
  ip?: string;
  type: 'tcp' | 'udp' | 'sctp';
}

export interface ContainerHealth {
  status: 'starting' | 'healthy' | 'unhealthy' | 'none';
  failingStreak: number;
  log: Array<{ start: string; end: string; exitCode: number; output: string }>;
}

/** What `inspect` tells about a container: the state and the parts of its configuration the CLI reads. */
export interface ContainerDetails {
  id: string;
  name: string;
  imageId: string;
  created: string;
  state: {
    status: string;
    running: boolean;
    paused: boolean;
    restarting: boolean;
    exitCode: number;
    pid: number;
    startedAt: string;
    finishedAt: string;
    error: string;
    oomKilled: boolean;
    health?: ContainerHealth;
  };
  restartCount: number;
  /** The create body as the engine holds it (Config, HostConfig); `NetworkingConfig` left out. */
  config: ContainerCreateBody;
  /** By network name. */
  networks: Record<string, { ipAddress: string; aliases: string[]; networkId: string }>;
  /** "80/tcp" to its bindings. */
  ports: Record<string, Array<{ hostIp: string; hostPort: string }> | null>;
  mounts: Array<{ type: string; name?: string; source: string; destination: string; rw: boolean }>;
}

/** What a container list is narrowed to. Labels are "key" or "key=value", all of which must match. */
export interface ContainerFilter {
  /** Stopped containers too. */
  all?: boolean;
  labels?: readonly string[];
  /** Exact names, or ids. */
  names?: readonly string[];
  status?: readonly string[];
}

export interface ContainerCreate {
  name: string;
  body: ContainerCreateBody;
  /** "linux/amd64"; absent: the engine's own. */
  platform?: string;
}

/** How a container's process ended, or a wait that the engine could not do. */
export interface ContainerExit {
  exitCode: number;
  error?: string;
}

/** One line of a container's log, its stream, and the engine's time stamp when asked for. */
export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

export interface LogOptions {
  follow?: boolean;
  /** A number of lines from the end, or "all". */
  tail?: number | 'all';
  timestamps?: boolean;
  /** Seconds since the epoch (fractions allowed), as Docker's `since`/`until` take them. */
  since?: string;
  until?: string;
  stdout?: boolean;
  stderr?: boolean;
  /** The container has a TTY: its log is raw output (all of it `stdout`), not multiplexed. */
  tty?: boolean;
  signal?: AbortSignal;
}

/**
 * A stream both ways to a process (attach, exec): `output` ends when the process is done; `input` is there when
 * stdin was asked for, and ending it passes EOF to the process; `close` drops the connection. With `tty` false
 * the output is multiplexed (src/client/stdcopy.ts splits it).
 */
export interface ProcessStream {
  output: Readable;
  input?: Writable;
  close(): void;
}

export interface ExecCreate {
  cmd: readonly string[];
  env?: readonly string[];
  user?: string;
  workingDir?: string;
  privileged?: boolean;
  tty?: boolean;
  attachStdin?: boolean;
  attachStdout?: boolean;
  attachStderr?: boolean;
  detachKeys?: string;
}

export interface ExecDetails {
  id: string;
  running: boolean;
  /** undefined while it runs. */
  exitCode?: number;
  pid: number;
  containerId: string;
}

/** A path in a container, as the archive API reports it: `mode` is Go's os.FileMode bits (src/client/archive.ts). */
export interface ContainerPathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface ImageSummary {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created: number;
  size: number;
  labels: Record<string, string>;
}

export interface ImageDetails {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created: string;
  architecture: string;
  os: string;
  variant?: string;
  size: number;
  /** The image's config (Cmd, Entrypoint, Env, Labels, ExposedPorts, Healthcheck, User, WorkingDir...). */
  config: Record<string, unknown>;
  /** Layer diff IDs, bottom first. */
  layers: string[];
  /** When a tag last pointed at it (Docker's Metadata.LastTagTime); the pull policies compare with it. */
  lastTagTime?: string;
}

/** One progress message of a pull, push, load or build, as the engine streams them (Docker's JSON messages). */
export interface ProgressMessage {
  id?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  /** A build's output text. */
  stream?: string;
  /** Set on the message that ends the stream in failure. */
  error?: string;
  /** Extra data: a build's image ID (`{ID}`), a push's digest. */
  aux?: Record<string, unknown>;
}

/** Registry credentials as the docker CLI sends them (X-Registry-Auth); `identitytoken` for OAuth. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress?: string;
}

export interface ImageTransfer {
  auth?: RegistryAuth;
  platform?: string;
  signal?: AbortSignal;
  onProgress?: (m: ProgressMessage) => void;
}

/** What a registry says a reference resolves to: the manifest (or index) digest and the platforms it has. */
export interface DistributionInfo {
  digest: string;
  mediaType: string;
  platforms: { os: string; architecture: string; variant?: string }[];
}

/** A Dockerfile build: the context as a tar stream and the build's settings, named as `docker build` names them. */
export interface BuildRequest {
  context: Readable;
  dockerfile?: string;
  tags?: readonly string[];
  target?: string;
  buildArgs?: Readonly<Record<string, string>>;
  labels?: Readonly<Record<string, string>>;
  noCache?: boolean;
  pull?: boolean;
  platform?: string;
  network?: string;
  extraHosts?: readonly string[];
  shmSize?: number;
  cacheFrom?: readonly string[];
  /**
   * FROM references the build must resolve to these pinned ones instead (`node:20` → `node@sha256:...`), as a lock
   * file pins them; berthd honours it (query `pinnedfrom`), dockerd ignores it (the CLI tag-pins there first).
   */
  pinnedFrom?: Readonly<Record<string, string>>;
  /** Registry credentials by registry host, for FROM pulls (X-Registry-Config). */
  registryAuth?: Readonly<Record<string, RegistryAuth>>;
  signal?: AbortSignal;
  onProgress?: (m: ProgressMessage) => void;
}

export interface NetworkCreate {
  name: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  internal?: boolean;
  attachable?: boolean;
  enableIPv6?: boolean;
  ipam?: {
    driver?: string;
    config?: Array<{ subnet?: string; ipRange?: string; gateway?: string; auxAddresses?: Record<string, string> }>;
    options?: Record<string, string>;
  };
  labels?: Record<string, string>;
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  labels: Record<string, string>;
  /** Container ids attached, when the engine reports them (inspect does, list may not). */
  containers?: string[];
}

export interface VolumeCreate {
  name: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface VolumeSummary {
  name: string;
  driver: string;
  mountpoint: string;
  labels: Record<string, string>;
}

/** An engine event (container, image, network, volume); `timeNano` is exact. */
export interface EngineEvent {
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
  timeNano: bigint;
}

export interface EventFilter {
  /** "key" or "key=value". */
  labels?: readonly string[];
  types?: readonly string[];
  /** Actions: "die", "start"... */
  actions?: readonly string[];
  /** Seconds since the epoch, as Docker's `since`/`until` take them. */
  since?: string;
  until?: string;
}

export interface EngineInfo {
  name: string;
  serverVersion: string;
  apiVersion: string;
  os: string;
  architecture: string;
  /** True for berthd: the CLI may use what only berthd offers (sync straight into a container's files). */
  isBerthd: boolean;
  securityOptions: string[];
  /** "active" when this engine is a swarm manager or worker. */
  swarm: 'inactive' | 'pending' | 'active' | 'error' | 'locked';
}

/**
 * An engine berth drives: berthd or dockerd over the Docker Engine API, or the in-memory fake.
 *
 * Contract (test/client/contract.ts holds every implementation to it):
 * - every failure is an `EngineError` (errors.ts) with a `kind`; nothing else is thrown for an engine's answer
 *   (a call whose `signal` aborts rejects with the signal's AbortError; `events` and `logs` just end);
 * - `inspect`/`find` style calls return `undefined` for something that does not exist, all others throw `not-found`;
 * - `start` of a running container and `stop` of a stopped one succeed (not-modified is swallowed);
 * - removing a container that is being removed is a `conflict`; removing what is gone is `not-found`;
 * - names are unique per resource kind: a second create with a name in use is a `conflict`.
 */
export interface EngineClient extends AsyncDisposable {
  /** Where it is: a socket path, or "memory". */
  readonly endpoint: string;
  info(): Promise<EngineInfo>;
  close(): void;

  containers: {
    list(filter?: ContainerFilter): Promise<ContainerSummary[]>;
    inspect(ref: string): Promise<ContainerDetails | undefined>;
    create(req: ContainerCreate): Promise<{ id: string; warnings: string[] }>;
    start(ref: string): Promise<void>;
    /** Stops with the container's stop signal, then kills after `timeoutSeconds` (absent: the container's own). */
    stop(ref: string, opts?: { timeoutSeconds?: number; signal?: string }): Promise<void>;
    restart(ref: string, opts?: { timeoutSeconds?: number }): Promise<void>;
    kill(ref: string, signal?: string): Promise<void>;
    pause(ref: string): Promise<void>;
    unpause(ref: string): Promise<void>;
    rename(ref: string, newName: string): Promise<void>;
    remove(ref: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void>;
    /** Resolves when the container reaches the condition: "not-running" (default), "next-exit" or "removed". */
    wait(
      ref: string,
      opts?: {
        condition?: 'not-running' | 'next-exit' | 'removed';
        signal?: AbortSignal;
        /**
         * Called once the engine holds the wait, before the exit: a `start` made after it cannot be missed by a
         * "next-exit" wait (`berth run` waits, then starts). Every implementation calls it before resolving.
         */
        onWaiting?: () => void;
      },
    ): Promise<ContainerExit>;
    logs(ref: string, opts?: LogOptions): AsyncIterable<LogChunk>;
    attach(ref: string, opts: { stdin: boolean; tty: boolean; detachKeys?: string }): Promise<ProcessStream>;
    resize(ref: string, size: { rows: number; columns: number }): Promise<void>;
    top(ref: string, psArgs?: string): Promise<{ titles: string[]; processes: string[][] }>;
    connect(ref: string, network: string, endpoint?: EndpointSettings): Promise<void>;
    disconnect(ref: string, network: string, opts?: { force?: boolean }): Promise<void>;
    /** The container's files (cp): stat a path, read it as a tar stream, or extract a tar stream into a folder. */
    statPath(ref: string, path: string): Promise<ContainerPathStat | undefined>;
    getArchive(ref: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }>;
    putArchive(ref: string, path: string, tar: Readable, opts?: { copyUIDGID?: boolean }): Promise<void>;
  };

  exec: {
    create(container: string, req: ExecCreate): Promise<{ id: string }>;
    start(id: string, opts: { tty: boolean; detach?: boolean; stdin?: boolean }): Promise<ProcessStream>;
    inspect(id: string): Promise<ExecDetails>;
    resize(id: string, size: { rows: number; columns: number }): Promise<void>;
  };

  images: {
    list(filter?: { labels?: readonly string[]; references?: readonly string[] }): Promise<ImageSummary[]>;
    inspect(ref: string): Promise<ImageDetails | undefined>;
    tag(ref: string, repo: string, tag: string): Promise<void>;
    remove(ref: string, opts?: { force?: boolean; noPrune?: boolean }): Promise<void>;
    pull(ref: string, opts?: ImageTransfer): Promise<void>;
    push(ref: string, opts?: ImageTransfer): Promise<void>;
    /** A registry's manifest digest and platforms for `ref` (`GET /distribution/{name}/json`), pulling nothing. */
    distribution(ref: string, auth?: RegistryAuth): Promise<DistributionInfo>;
    /** `docker load`: a tar of images (Docker's or OCI's layout). */
    load(tar: Readable, opts?: { signal?: AbortSignal; onProgress?: (m: ProgressMessage) => void }): Promise<void>;
    /** Resolves with the image ID built; a failed step rejects with the build's own message. */
    build(req: BuildRequest): Promise<{ id: string }>;
  };

  networks: {
    list(filter?: { labels?: readonly string[]; names?: readonly string[] }): Promise<NetworkSummary[]>;
    inspect(ref: string): Promise<NetworkSummary | undefined>;
    create(req: NetworkCreate): Promise<{ id: string }>;
    remove(ref: string): Promise<void>;
  };

  volumes: {
    list(filter?: { labels?: readonly string[]; names?: readonly string[] }): Promise<VolumeSummary[]>;
    inspect(name: string): Promise<VolumeSummary | undefined>;
    create(req: VolumeCreate): Promise<VolumeSummary>;
    remove(name: string, opts?: { force?: boolean }): Promise<void>;
  };

  /** The engine's events from now (or `since`) until the signal aborts or `until` passes. */
  events(filter: EventFilter, signal: AbortSignal): AsyncIterable<EngineEvent>;
}
