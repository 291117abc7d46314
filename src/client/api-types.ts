// The JSON bodies of the Docker Engine API (v1.41, plus the few later fields Compose sends) that berth writes:
// `POST /containers/create` and `POST /networks/{id}/connect`. Types only, shared by the planner, which builds
// them, and the engine client, which sends them. Field names and casing are the Engine's (`HostIp`, `CpuShares`).
//
// Invariants: a field left out means the Engine's default, so builders leave out zero values rather than send
// them; the exceptions are the fields where an empty value means something else than a missing one
// (`Entrypoint: []` clears the image's entrypoint, `Cmd: []` keeps the image's command).

/** A `PortBindings` entry. Both keys are always present, as Docker's Go client sends them: "" means any. */
export interface PortBinding {
  HostIp: string;
  /** A port, a range ("8000-8010", the Engine picks one), or "" for a random port. */
  HostPort: string;
}

export interface HealthConfig {
  /** ["NONE"] disables the image's check; ["CMD", ...] or ["CMD-SHELL", "..."]; absent keeps the image's. */
  Test?: string[];
  /** Durations in nanoseconds; absent or 0 inherits the image's value. */
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  /** API 1.44 and later. */
  StartInterval?: number;
  Retries?: number;
}

export interface Mount {
  Type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** A volume's Engine name ("" for an anonymous volume), or a host path for binds. */
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: {
    Propagation?: string;
    NonRecursive?: boolean;
    CreateMountpoint?: boolean;
    ReadOnlyNonRecursive?: boolean;
    ReadOnlyForceRecursive?: boolean;
  };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; Subpath?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  /** API 1.47 and later. */
  ImageOptions?: { Subpath?: string };
}

export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

export interface DeviceRequest {
  Driver?: string;
  /** -1 means all devices. */
  Count?: number;
  DeviceIDs?: string[];
  Capabilities?: string[][];
  Options?: Record<string, string>;
}

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface ThrottleDevice {
  Path: string;
  Rate: number;
}

/** The cgroup limits part of HostConfig (Docker's `container.Resources`, inlined into HostConfig on the wire). */
export interface Resources {
  CgroupParent?: string;
  BlkioWeight?: number;
  BlkioWeightDevice?: Array<{ Path: string; Weight: number }>;
  BlkioDeviceReadBps?: ThrottleDevice[];
  BlkioDeviceWriteBps?: ThrottleDevice[];
  BlkioDeviceReadIOps?: ThrottleDevice[];
  BlkioDeviceWriteIOps?: ThrottleDevice[];
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  /** CPUs × 10⁹. */
  NanoCpus?: number;
  /** Windows only. */
  CpuCount?: number;
  CpuPercent?: number;
  /** Bytes. */
  Memory?: number;
  MemoryReservation?: number;
  /** Memory plus swap, in bytes; -1 is unlimited swap. */
  MemorySwap?: number;
  MemorySwappiness?: number;
  OomKillDisable?: boolean;
  /** -1 is unlimited. */
  PidsLimit?: number;
  Devices?: DeviceMapping[];
  DeviceCgroupRules?: string[];
  DeviceRequests?: DeviceRequest[];
  Ulimits?: Ulimit[];
}

export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure' | (string & {});
  MaximumRetryCount?: number;
}

export interface HostConfig extends Resources {
  /** "SOURCE:TARGET:OPTIONS" strings: the only way to have the Engine create a missing host path. */
  Binds?: string[];
  Mounts?: Mount[];
  /** Container path to mount options ("size=64m"); "" for defaults. */
  Tmpfs?: Record<string, string>;
  VolumesFrom?: string[];
  VolumeDriver?: string;
  /** "bridge", "host", "none", "container:ID" or a network's Engine name. */
  NetworkMode?: string;
  PortBindings?: Record<string, PortBinding[]>;
  PublishAllPorts?: boolean;
  Links?: string[];
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  /** "host:ip" entries. */
  ExtraHosts?: string[];
  CapAdd?: string[];
  CapDrop?: string[];
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  Init?: boolean;
  IpcMode?: string;
  PidMode?: string;
  UTSMode?: string;
  UsernsMode?: string;
  CgroupnsMode?: string;
  ShmSize?: number;
  Sysctls?: Record<string, string>;
  SecurityOpt?: string[];
  MaskedPaths?: string[];
  ReadonlyPaths?: string[];
  StorageOpt?: Record<string, string>;
  GroupAdd?: string[];
  OomScoreAdj?: number;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  LogConfig?: { Type: string; Config?: Record<string, string> };
  Runtime?: string;
  Isolation?: string;
  /** API 1.43 and later. */
  Annotations?: Record<string, string>;
}

export interface EndpointSettings {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] };
  Links?: string[];
  Aliases?: string[];
  /** API 1.44 and later per endpoint; before, only Config.MacAddress. */
  MacAddress?: string;
  DriverOpts?: Record<string, string>;
  /** API 1.48 and later. */
  GwPriority?: number;
}

export interface NetworkingConfig {
  /** By network Engine name. Before API 1.44 the Engine reads only one entry, the one NetworkMode names. */
  EndpointsConfig: Record<string, EndpointSettings>;
}

/** Docker's `container.Config`: what the image's config is merged with. */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  /** "80/tcp" (or an `expose` entry as written) to {}. */
  ExposedPorts?: Record<string, Record<string, never>>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  /** "KEY=value", or a bare "KEY" that removes the image's KEY. */
  Env?: string[];
  Cmd?: string[];
  Healthcheck?: HealthConfig;
  Image: string;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Entrypoint?: string[];
  NetworkDisabled?: boolean;
  /** Deprecated in API 1.44 for EndpointSettings.MacAddress. */
  MacAddress?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** Seconds. */
  StopTimeout?: number;
}

/** The body of `POST /containers/create` (the name and platform go in the query). */
export interface ContainerCreateBody extends ContainerConfig {
  HostConfig: HostConfig;
  NetworkingConfig?: NetworkingConfig;
}

/** The body of `POST /networks/{id}/connect`. */
export interface NetworkConnectBody {
  Container: string;
  EndpointConfig?: EndpointSettings;
}
