// The image configuration as the OCI image spec (config.md) and Docker's image spec v1.2 define it. Stored
// verbatim: keys berthd does not know (Docker's container_config, docker_version...) are kept, not dropped.

/** Default settings of a container made from the image; Docker's capitalized keys, durations in nanoseconds. */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object>; // "80/tcp": {}
  Env?: string[]; // "KEY=value"
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Healthcheck?: {
    Test?: string[]; // ["NONE"], ["CMD", ...] or ["CMD-SHELL", "..."]
    Interval?: number;
    Timeout?: number;
    StartPeriod?: number;
    StartInterval?: number;
    Retries?: number;
  };
}

/** One step of how the image was made; `empty_layer` steps (ENV, CMD...) have no layer in rootfs. */
export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** An OCI image configuration. `rootfs.diff_ids` has one diffID per layer, lowest first. */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  author?: string;
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
}

/** The OCI architecture name of this machine (Node says x64, OCI says amd64). */
export function hostArchitecture(): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le' };
  return names[process.arch] ?? process.arch;
}
