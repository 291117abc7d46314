// The Swarm part of an engine: services, tasks, secrets, configs, nodes and overlay networks, in engine-neutral
// types. Nothing here names an HTTP path or a status; docker-swarm.ts implements it over the Docker Engine API
// and transport.ts is its one door to the socket. Failures are `EngineError`s (../errors.ts) with a `kind`:
// `unavailable` for an engine that is not a swarm manager, `not-found`, `conflict` (a name in use, a stale
// version), `invalid` (the engine refused the spec, e.g. a secret still in use).
import type { ServiceSpec } from './service-spec.js';

/** Where this engine stands in a swarm; `manager` only when it can create and update services. */
export interface SwarmState {
  state: 'inactive' | 'pending' | 'active' | 'error' | 'locked';
  manager: boolean;
  nodeId: string;
  /** berth's own engine, which runs one machine and has no swarm mode. */
  isBerthd: boolean;
}

/** A service with the version that an update must name (optimistic locking, like Docker's `version`). */
export interface SwarmService {
  id: string;
  version: number;
  spec: ServiceSpec;
  /** How many tasks should run and how many do (absent when the engine does not say). */
  replicas?: { desired: number; running: number };
}

/** One replica of a service on a node, with the state the swarm wants it in and the state it is in. */
export interface SwarmTask {
  id: string;
  serviceId: string;
  /** The replica number (1-based); absent for global services. */
  slot?: number;
  nodeId: string;
  desiredState: string;
  state: string;
  message: string;
  error?: string;
  image: string;
  /** The container that runs the task, once there is one. */
  containerId?: string;
}

/** A secret or a config. `data` is never read back (the engine does not give secrets back). */
export interface SwarmObject {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface SwarmObjectCreate {
  name: string;
  labels: Record<string, string>;
  /** The content, base64 as the API carries it. */
  data: string;
}

export interface SwarmNetwork {
  id: string;
  name: string;
  driver: string;
  scope: string;
  labels: Record<string, string>;
}

export interface SwarmNetworkCreate {
  name: string;
  driver: string;
  attachable?: boolean;
  internal?: boolean;
  driverOpts?: Record<string, string>;
  labels: Record<string, string>;
  ipam?: { driver?: string; config?: Array<{ subnet?: string; gateway?: string; ipRange?: string }> };
}

export interface SwarmNode {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  availability: string;
  state: string;
}

/** What a filter narrows a list to: labels "key" or "key=value", all of which must match. */
export interface LabelFilter {
  labels?: readonly string[];
}

/**
 * The swarm API of an engine that is a swarm manager. Contract:
 * - `inspect`/`find` style calls resolve `undefined` for what does not exist; `remove` of what is gone throws `not-found`;
 * - `services.update` takes the version it read: an update after someone else's is a `conflict`, never a silent
 *   overwrite;
 * - secrets and configs are immutable: a new content is a new object (the planner names them by content hash).
 */
export interface SwarmClient {
  state(): Promise<SwarmState>;
  /** Drops the kept-alive connections. */
  close(): void;
  services: {
    list(filter?: LabelFilter): Promise<SwarmService[]>;
    inspect(ref: string): Promise<SwarmService | undefined>;
    create(spec: ServiceSpec): Promise<{ id: string; warnings: string[] }>;
    update(id: string, version: number, spec: ServiceSpec): Promise<{ warnings: string[] }>;
    remove(ref: string): Promise<void>;
  };
  tasks: { list(filter?: LabelFilter & { service?: string }): Promise<SwarmTask[]> };
  secrets: SwarmObjectStore;
  configs: SwarmObjectStore;
  networks: {
    list(filter?: LabelFilter): Promise<SwarmNetwork[]>;
    create(req: SwarmNetworkCreate): Promise<{ id: string }>;
    remove(ref: string): Promise<void>;
  };
  nodes: { list(): Promise<SwarmNode[]> };
}

export interface SwarmObjectStore {
  list(filter?: LabelFilter): Promise<SwarmObject[]>;
  create(req: SwarmObjectCreate): Promise<{ id: string }>;
  remove(ref: string): Promise<void>;
}

/** What a swarm runs of one stack (by `com.docker.stack.namespace`): the planner's `observed`. */
export interface ObservedSwarmStack {
  namespace: string;
  /** Network targets in the specs are names here, whatever the engine stores. */
  services: SwarmService[];
  secrets: SwarmObject[];
  configs: SwarmObject[];
  networks: SwarmNetwork[];
}
