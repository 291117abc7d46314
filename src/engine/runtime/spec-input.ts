// What buildOciSpec needs to write a config.json: the image's config, the container's Config and HostConfig in
// Docker Engine API field names, and the host paths berthd prepared. Everything is data; nothing here is read
// from the host by the builder itself.
import type { SeccompSettings } from './oci-security.js';

/** The image config fields that shape the process (OCI image config / Docker `ContainerConfig`). */
export interface ImageProcessConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  StopSignal?: string;
}

/**
 * Container Config fields. `Entrypoint: null`/absent inherits the image's; `[]` or `[""]` clears it and, as
 * in Docker, drops the image's Cmd too.
 */
export interface ContainerProcessConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
}

/** One ulimit as the Docker API sends it; a negative value means unlimited. */
export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

/** HostConfig fields berthd honours. Zero and absent both mean "not set", as in Docker. */
export interface HostResourceConfig {
  Memory?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  PidsLimit?: number | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  GroupAdd?: string[] | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  Tmpfs?: Record<string, string> | null;
  Init?: boolean | null;
  SecurityOpt?: string[] | null;
  /** Replace Docker's masked and read-only paths when not null (`[]`: none). */
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
  Sysctls?: Record<string, string> | null;
  Ulimits?: Ulimit[] | null;
  ShmSize?: number;
}

/**
 * A volume or bind mount already resolved by the caller (host path, options such as rbind, ro, rprivate).
 * It is taken outside `host` on purpose: HostConfig.Mounts in the Docker API has another shape.
 */
export interface ResolvedMount {
  source: string;
  destination: string;
  type: string;
  options: string[];
}

/** A namespace of its own ("new"), the host's (none in the spec), or another process's (/proc/<pid>/ns/<type>). */
export type NamespaceMode = 'new' | 'host' | { path: string };

export interface SpecInput {
  id: string;
  /** Absolute, already mounted (the overlay). */
  rootfs: string;
  readonlyRootfs?: boolean;
  hostname: string;
  image: ImageProcessConfig;
  config: ContainerProcessConfig;
  host: HostResourceConfig;
  mounts?: ResolvedMount[];
  /** Host files bind-mounted over /etc/hosts, /etc/hostname and /etc/resolv.conf. */
  etcFiles: { hosts: string; hostname: string; resolvConf: string };
  /** Contents of the image's /etc/passwd and /etc/group, to resolve `User` names. */
  passwd?: string;
  group?: string;
  /** Host path of catatonit, bind-mounted as the container's init when HostConfig.Init is set. */
  initPath?: string;
  cgroupsPath: string;
  /** A network namespace to join (/proc/<pid>/ns/net or a bind-mounted netns); absent: a new one with lo only. */
  netns?: string;
  /** The pid and ipc namespaces: absent or "new" for a new one, "host" for berthd's own, or one to join. */
  pidns?: NamespaceMode;
  ipcns?: NamespaceMode;
  /**
   * The caller's hard rlimits keyed by OCI name (RLIMIT_NOFILE), RLIM_INFINITY for unlimited; see
   * readHardLimits in host-limits.ts. Requested ulimits are clamped to them because berthd cannot raise a
   * hard limit (no CAP_SYS_RESOURCE on some hosts), and runc would fail the create. Absent names are not clamped.
   */
  hardLimits?: Readonly<Record<string, number>>;
  /**
   * Capabilities berthd itself holds (its bounding set; see readBoundingCapabilities). "ALL" and Privileged
   * expand to this list, as Docker's GetAllCapabilities does. Absent: every capability the kernel knows.
   */
  hostCapabilities?: readonly string[];
  /** berthd's default seccomp profile and host facts (loadSeccompSettings). Absent: no default filter. */
  seccomp?: SeccompSettings;
}
