// The body of POST /containers/create as dockerd declares it (moby api/types/container Config, HostConfig and
// network.NetworkingConfig), field by field with its Go type. Fields berthd does not honour are still typed: a
// value of the wrong type is refused at create instead of being stored and breaking every later list or inspect.
import type { GoSchema } from './go-types.js';
import { bool, int, list, map, set, str, strList, strMap, strSlice, struct } from './go-types.js';

const healthcheck = struct('container.HealthConfig', {
  Test: strList(),
  Interval: int('time.Duration'),
  Timeout: int('time.Duration'),
  StartPeriod: int('time.Duration'),
  Retries: int('int'),
});

const config: Record<string, GoSchema> = {
  Hostname: str(),
  Domainname: str(),
  User: str(),
  AttachStdin: bool(),
  AttachStdout: bool(),
  AttachStderr: bool(),
  ExposedPorts: set('nat.PortSet'),
  Tty: bool(),
  OpenStdin: bool(),
  StdinOnce: bool(),
  Env: strList(),
  Cmd: strSlice(),
  Healthcheck: healthcheck,
  ArgsEscaped: bool(),
  Image: str(),
  Volumes: set('map[string]struct {}'),
  WorkingDir: str(),
  Entrypoint: strSlice(),
  NetworkDisabled: bool(),
  MacAddress: str(),
  OnBuild: strList(),
  Labels: strMap(),
  StopSignal: str(),
  StopTimeout: int('int'),
  Shell: strSlice(),
};

const mount = struct('mount.Mount', {
  Type: str(),
  Source: str(),
  Target: str(),
  ReadOnly: bool(),
  Consistency: str(),
  BindOptions: struct('mount.BindOptions', { Propagation: str(), NonRecursive: bool() }),
  VolumeOptions: struct('mount.VolumeOptions', {
    NoCopy: bool(),
    Labels: strMap(),
    DriverConfig: struct('mount.Driver', { Name: str(), Options: strMap() }),
  }),
  TmpfsOptions: struct('mount.TmpfsOptions', { SizeBytes: int(), Mode: int('os.FileMode') }),
});

const resources: Record<string, GoSchema> = {
  CpuShares: int(),
  Memory: int(),
  NanoCpus: int(),
  CgroupParent: str(),
  BlkioWeight: int('uint16'),
  CpuPeriod: int(),
  CpuQuota: int(),
  CpuRealtimePeriod: int(),
  CpuRealtimeRuntime: int(),
  CpusetCpus: str(),
  CpusetMems: str(),
  Devices: list(
    '[]container.DeviceMapping',
    struct('container.DeviceMapping', { PathOnHost: str(), PathInContainer: str(), CgroupPermissions: str() }),
  ),
  DeviceCgroupRules: strList(),
  KernelMemory: int(),
  MemoryReservation: int(),
  MemorySwap: int(),
  MemorySwappiness: int(),
  OomKillDisable: bool(),
  PidsLimit: int(),
  Ulimits: list('[]*units.Ulimit', struct('units.Ulimit', { Name: str(), Hard: int(), Soft: int() })),
};

const portBinding = struct('nat.PortBinding', { HostIp: str(), HostPort: str() });

const hostConfig = struct('container.HostConfig', {
  Binds: strList(),
  ContainerIDFile: str(),
  LogConfig: struct('container.LogConfig', { Type: str(), Config: strMap() }),
  NetworkMode: str(),
  PortBindings: map('nat.PortMap', list('[]nat.PortBinding', portBinding)),
  RestartPolicy: struct('container.RestartPolicy', { Name: str(), MaximumRetryCount: int('int') }),
  AutoRemove: bool(),
  VolumeDriver: str(),
  VolumesFrom: strList(),
  CapAdd: strSlice(),
  CapDrop: strSlice(),
  CgroupnsMode: str(),
  Dns: strList(),
  DnsOptions: strList(),
  DnsSearch: strList(),
  ExtraHosts: strList(),
  GroupAdd: strList(),
  IpcMode: str(),
  Cgroup: str(),
  Links: strList(),
  OomScoreAdj: int('int'),
  PidMode: str(),
  Privileged: bool(),
  PublishAllPorts: bool(),
  ReadonlyRootfs: bool(),
  SecurityOpt: strList(),
  StorageOpt: strMap(),
  Tmpfs: strMap(),
  UTSMode: str(),
  UsernsMode: str(),
  ShmSize: int(),
  Sysctls: strMap(),
  Runtime: str(),
  ConsoleSize: list('[2]uint', int('uint')),
  Isolation: str(),
  ...resources,
  Mounts: list('[]mount.Mount', mount),
  MaskedPaths: strList(),
  ReadonlyPaths: strList(),
  Init: bool(),
});

/** network.EndpointSettings: also the body's EndpointConfig of POST /networks/{id}/connect. */
export const endpointSettings = struct('network.EndpointSettings', {
  IPAMConfig: struct('network.EndpointIPAMConfig', {
    IPv4Address: str(),
    IPv6Address: str(),
    LinkLocalIPs: strList(),
  }),
  Links: strList(),
  Aliases: strList(),
  NetworkID: str(),
  EndpointID: str(),
  Gateway: str(),
  IPAddress: str(),
  IPPrefixLen: int('int'),
  IPv6Gateway: str(),
  GlobalIPv6Address: str(),
  GlobalIPv6PrefixLen: int('int'),
  MacAddress: str(),
  DriverOpts: strMap(),
});

/** The whole create body: dockerd's ContainerConfigWrapper, a Config with HostConfig and NetworkingConfig. */
export const containerCreateSchema: GoSchema = {
  goType: 'ContainerConfig',
  type: 'object',
  properties: {
    ...config,
    HostConfig: hostConfig,
    NetworkingConfig: struct('network.NetworkingConfig', {
      EndpointsConfig: map('map[string]*network.EndpointSettings', endpointSettings),
    }),
  },
};
