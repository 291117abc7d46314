// The engine-neutral types of images, builds, networks, volumes, events and the engine itself, as EngineClient
// (types.ts) takes and gives them.
import type { Readable } from 'node:stream';

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
