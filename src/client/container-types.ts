// The engine-neutral types of containers and their processes, as EngineClient (types.ts) takes and gives them.
import type { Readable, Writable } from 'node:stream';
import type { ContainerCreateBody } from './api-types.js';

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
