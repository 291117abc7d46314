// The normalized stack: what every other part of berth consumes. Produced only by normalizeStack.
//
// Invariants: every short syntax is expanded to its long form; durations are milliseconds and sizes bytes;
// relative paths are absolute; environment, labels and the like are maps; keys the loader does not transform keep
// the shape the schema validated. Field names are Compose's, so the YAML that `berth config` prints matches
// `docker compose config`. Optional fields are absent when the stack file does not set them.

export type StringMap = Record<string, string>;
/** A `null` value is a variable named without a value that the environment did not provide either. */
export type EnvMap = Record<string, string | null>;

export interface Stack {
  name: string;
  services: Record<string, Service>;
  networks: Record<string, Network>;
  volumes: Record<string, Volume>;
  secrets: Record<string, SecretOrConfig>;
  configs: Record<string, SecretOrConfig>;
  models?: Record<string, unknown>;
  /** `x-*` keys of the top level, kept as written. */
  extensions: Record<string, unknown>;
  /** Services in the files that profiles left out; `berth config --profiles` and planning of orphans read them. */
  disabledServices: readonly string[];
}

export interface PortMapping {
  name?: string;
  mode: 'ingress' | 'host';
  host_ip?: string;
  target: number;
  /** A port or a range ("8000-8010"), a string as Compose prints it; absent means a random host port. */
  published?: string;
  protocol: string;
  app_protocol?: string;
}

export interface VolumeMount {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** A named volume's key in `volumes:`, an absolute host path for binds, absent for anonymous volumes and tmpfs. */
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: string };
  volume?: { nocopy?: boolean; subpath?: string; labels?: StringMap };
  tmpfs?: { size?: number; mode?: number };
  image?: { subpath?: string };
}

export interface DependsOn {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required: boolean;
  restart?: boolean;
}

export interface Healthcheck {
  test?: string[];
  interval?: number;
  timeout?: number;
  start_period?: number;
  start_interval?: number;
  retries?: number;
  disable?: boolean;
}

export interface Build {
  context: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: EnvMap;
  labels?: StringMap;
  target?: string;
  shm_size?: number;
  extra_hosts?: Record<string, string[]>;
  additional_contexts?: StringMap;
  [key: string]: unknown;
}

export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  priority?: number;
  [key: string]: unknown;
}

export interface FileReference {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

/** One service. Keys not listed keep the schema's shape (the index signature); all keys are Compose's. */
export interface Service {
  name: string;
  image?: string;
  build?: Build;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: EnvMap;
  labels?: StringMap;
  annotations?: StringMap;
  ports?: PortMapping[];
  expose?: string[];
  volumes?: VolumeMount[];
  networks?: Record<string, ServiceNetwork | null>;
  network_mode?: string;
  depends_on?: Record<string, DependsOn>;
  healthcheck?: Healthcheck;
  extra_hosts?: Record<string, string[]>;
  sysctls?: StringMap;
  ulimits?: Record<string, { soft: number; hard: number }>;
  secrets?: FileReference[];
  configs?: FileReference[];
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  tmpfs?: string[];
  env_file?: Array<{ path: string; required: boolean; format?: string }>;
  profiles?: string[];
  stop_grace_period?: number;
  mem_limit?: number;
  mem_reservation?: number;
  memswap_limit?: number;
  shm_size?: number;
  cpus?: number;
  devices?: Array<{ source: string; target: string; permissions: string }>;
  develop?: Develop;
  [key: string]: unknown;
}

export interface Network {
  name: string;
  driver?: string;
  driver_opts?: StringMap;
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  ipam?: { driver?: string; config?: Array<Record<string, unknown>>; options?: StringMap };
  labels?: StringMap;
  [key: string]: unknown;
}

export interface Volume {
  name: string;
  driver?: string;
  driver_opts?: StringMap;
  external?: boolean;
  labels?: StringMap;
  [key: string]: unknown;
}

export interface SecretOrConfig {
  name: string;
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: StringMap;
  [key: string]: unknown;
}

/** What `develop.watch` runs when a file under `path` changes (Compose's watch actions). */
export type WatchAction = 'sync' | 'rebuild' | 'restart' | 'sync+restart' | 'sync+exec';

/** A command run in the container after a sync (`sync+exec`): Compose's service_hook. */
export interface WatchExec {
  command: string[];
  user?: string;
  privileged?: boolean;
  working_dir?: string;
  environment?: StringMap;
}

/**
 * One watch rule. Invariants (checks/develop.ts refuses the rest): `path` is absolute; `target` is set for the
 * sync actions; `exec` is set for `sync+exec`. `ignore` and `include` are .dockerignore patterns relative to
 * `path`, as Compose reads them.
 */
export interface WatchRule {
  action: WatchAction;
  path: string;
  target?: string;
  ignore?: string[];
  include?: string[];
  initial_sync?: boolean;
  exec?: WatchExec;
}

export interface Develop {
  watch?: WatchRule[];
}
