// The part of the OCI runtime spec (config.json, runtime-spec v1.0.2 as runc 1.1 reads it) that berthd writes.
// Field names and nesting are the spec's own, so a value serializes straight to config.json.
// https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config.md and config-linux.md

/**
 * How "unlimited" is held in memory for rlimits. The spec's RLIM_INFINITY is 2^64-1, which a JS number cannot
 * hold exactly; `serializeOciSpec` writes this value as 18446744073709551615. Plain `JSON.stringify` writes
 * 2^53-1 instead, which the kernel takes as a finite but unreachable limit.
 */
export const RLIM_INFINITY = Number.MAX_SAFE_INTEGER;

/** A whole config.json. Invariant: `root.path` is absolute and `linux.cgroupsPath` names this container alone. */
export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: OciMount[];
  annotations?: Record<string, string>;
  linux: OciLinux;
}

/** The container's init process, and the shape of `runc exec -p process.json` too. `args` is never empty. */
export interface OciProcess {
  terminal?: boolean;
  user: OciUser;
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
}

/** Numeric ids only: names are resolved against the image's /etc/passwd before the spec is written. */
export interface OciUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

/** Capability names with the CAP_ prefix (CAP_CHOWN). Docker sets no inheritable or ambient set. */
export interface OciCapabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
  inheritable?: string[];
  ambient?: string[];
}

/** `type` is RLIMIT_NOFILE etc.; `soft` <= `hard`; RLIM_INFINITY stands for unlimited. */
export interface OciRlimit {
  type: string;
  hard: number;
  soft: number;
}

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export type OciNamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

/** Without `path` the runtime makes a new namespace; with one it joins it. */
export interface OciNamespace {
  type: OciNamespaceType;
  path?: string;
}

export interface OciLinux {
  namespaces: OciNamespace[];
  resources: OciResources;
  cgroupsPath: string;
  sysctl?: Record<string, string>;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  /** Absent: no filter at all (unconfined, privileged). */
  seccomp?: OciSeccomp;
}

/** A seccomp filter (config-linux.md#seccomp). `defaultErrnoRet` needs runc 1.1 or later. */
export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  /** SCMP_ARCH_ names; absent: the native architecture only. */
  architectures?: string[];
  flags?: string[];
  syscalls: OciSyscall[];
}

/** A rule: `action` for any of `names` when all `args` match. `errnoRet` goes with SCMP_ACT_ERRNO/TRACE. */
export interface OciSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[];
}

/** A condition on argument `index` (0-5): `op` is SCMP_CMP_EQ etc.; MASKED_EQ compares (arg & value) to valueTwo. */
export interface OciSeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

/** One rule of the devices cgroup. runc appends its own defaults (null, zero, tty, pts...) after these. */
export interface OciDeviceRule {
  allow: boolean;
  type?: 'a' | 'b' | 'c';
  major?: number;
  minor?: number;
  access?: string;
}

/** cgroup limits. Bytes for memory (swap is memory plus swap, -1 for unlimited), microseconds for CPU. */
export interface OciResources {
  devices: OciDeviceRule[];
  memory?: { limit?: number; swap?: number };
  cpu?: { shares?: number; quota?: number; period?: number };
  pids?: { limit: number };
}
