// A Swarm service's specification, as Docker's Engine API and Compose's own conversion (docker/cli
// cli/compose/convert) shape it. Like the container create body in ../api-types.ts, this is the data model of a
// service that every swarm speaks, not a transport detail: the planner builds it, the engine stores it, and the
// diff of a deploy is taken between the two. Only the fields berth sets or reads are typed; durations are
// nanoseconds, sizes bytes, as the API has them.

export interface ServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: TaskSpec;
  Mode: { Replicated: { Replicas: number } } | { Global: Record<string, never> };
  UpdateConfig?: UpdateConfig;
  RollbackConfig?: UpdateConfig;
  EndpointSpec?: { Mode?: 'vip' | 'dnsrr'; Ports?: PortConfig[] };
}

export interface TaskSpec {
  ContainerSpec: ContainerSpec;
  Resources?: {
    Limits?: { NanoCPUs?: number; MemoryBytes?: number; Pids?: number };
    Reservations?: { NanoCPUs?: number; MemoryBytes?: number };
  };
  RestartPolicy?: { Condition?: 'none' | 'on-failure' | 'any'; Delay?: number; MaxAttempts?: number; Window?: number };
  Placement?: {
    Constraints?: string[];
    Preferences?: Array<{ Spread: { SpreadDescriptor: string } }>;
    MaxReplicas?: number;
  };
  /** Network names (or ids, as an engine may store them) with the service's aliases on each. */
  Networks?: Array<{ Target: string; Aliases?: string[] }>;
  LogDriver?: { Name: string; Options?: Record<string, string> };
}

export interface ContainerSpec {
  Image: string;
  Labels?: Record<string, string>;
  Command?: string[];
  Args?: string[];
  Hostname?: string;
  /** "KEY=value", sorted. */
  Env?: string[];
  Dir?: string;
  User?: string;
  Groups?: string[];
  TTY?: boolean;
  OpenStdin?: boolean;
  ReadOnly?: boolean;
  Init?: boolean;
  StopSignal?: string;
  StopGracePeriod?: number;
  Mounts?: Mount[];
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  Hosts?: string[];
  DNSConfig?: { Nameservers?: string[]; Search?: string[]; Options?: string[] };
  Secrets?: FileReference<'SecretID' | 'SecretName'>[];
  Configs?: FileReference<'ConfigID' | 'ConfigName'>[];
  Sysctls?: Record<string, string>;
  CapabilityAdd?: string[];
  CapabilityDrop?: string[];
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
}

/** A secret or config in a container: by name in a plan; the id is filled in when the plan is applied. */
export type FileReference<K extends string> = {
  File: { Name: string; UID: string; GID: string; Mode: number };
} & Partial<Record<K, string>>;

export interface Mount {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface PortConfig {
  Protocol: 'tcp' | 'udp' | 'sctp';
  TargetPort: number;
  PublishedPort?: number;
  PublishMode: 'ingress' | 'host';
}

export interface UpdateConfig {
  Parallelism?: number;
  Delay?: number;
  FailureAction?: string;
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: string;
}
