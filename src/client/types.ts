// The one door from the CLI and the planner to an engine: `EngineClient`, grouped by resource, in engine-neutral
// types. Nothing here names an HTTP path or a status code; those live in the implementation over the Docker
// Engine API (src/client/docker/, which drives berthd and dockerd alike) and the in-memory one for unit tests
// (src/client/memory/). Both are held to the same behaviour by one contract suite (test/client/contract.ts).
//
// A container's configuration is Docker's create body (`ContainerCreateBody` in api-types.ts): it is the data
// model of a container that every engine berth drives speaks, not a transport detail, and Compose builds the
// same structure. Names and ids are interchangeable wherever the engine takes either ("ref").
import type { Readable } from 'node:stream';
import type { EndpointSettings } from './api-types.js';
import type {
  ContainerSummary,
  ContainerDetails,
  ContainerFilter,
  ContainerCreate,
  ContainerExit,
  LogChunk,
  LogOptions,
  ProcessStream,
  ExecCreate,
  ExecDetails,
  ContainerPathStat,
} from './container-types.js';
import type {
  ImageSummary,
  ImageDetails,
  ProgressMessage,
  RegistryAuth,
  ImageTransfer,
  DistributionInfo,
  BuildRequest,
  NetworkCreate,
  NetworkSummary,
  VolumeCreate,
  VolumeSummary,
  EngineEvent,
  EventFilter,
  EngineInfo,
} from './resource-types.js';

export type * from './container-types.js';
export type * from './resource-types.js';

/** What every error of an EngineClient is: see errors.ts (`EngineError`, with `kind`, `code` and `hint`). */
export type EngineErrorKind =
  | 'not-found' // no such container, image, network, volume or exec
  | 'conflict' // a name in use, a container running where it must not be, a removal under way
  | 'invalid' // the engine refused the request as malformed or not allowed
  | 'not-modified' // already in the asked state (start of a running container, stop of a stopped one)
  | 'unauthorized' // a registry refused the credentials
  | 'unavailable' // the engine (or a registry) cannot be reached
  | 'internal'; // the engine failed; its log says more

/**
 * An engine berth drives: berthd or dockerd over the Docker Engine API, or the in-memory fake.
 *
 * Contract (test/client/contract.ts holds every implementation to it):
 * - every failure is an `EngineError` (errors.ts) with a `kind`; nothing else is thrown for an engine's answer
 *   (a call whose `signal` aborts rejects with the signal's AbortError; `events` and `logs` just end);
 * - `inspect`/`find` style calls return `undefined` for something that does not exist, all others throw `not-found`;
 * - `start` of a running container and `stop` of a stopped one succeed (not-modified is swallowed);
 * - removing a container that is being removed is a `conflict`; removing what is gone is `not-found`;
 * - names are unique per resource kind: a second create with a name in use is a `conflict`.
 */
export interface EngineClient extends AsyncDisposable {
  /** Where it is: a socket path, or "memory". */
  readonly endpoint: string;
  info(): Promise<EngineInfo>;
  close(): void;

  containers: {
    list(filter?: ContainerFilter): Promise<ContainerSummary[]>;
    inspect(ref: string): Promise<ContainerDetails | undefined>;
    create(req: ContainerCreate): Promise<{ id: string; warnings: string[] }>;
    start(ref: string): Promise<void>;
    /** Stops with the container's stop signal, then kills after `timeoutSeconds` (absent: the container's own). */
    stop(ref: string, opts?: { timeoutSeconds?: number; signal?: string }): Promise<void>;
    restart(ref: string, opts?: { timeoutSeconds?: number }): Promise<void>;
    kill(ref: string, signal?: string): Promise<void>;
    pause(ref: string): Promise<void>;
    unpause(ref: string): Promise<void>;
    rename(ref: string, newName: string): Promise<void>;
    remove(ref: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void>;
    /** Resolves when the container reaches the condition: "not-running" (default), "next-exit" or "removed". */
    wait(
      ref: string,
      opts?: {
        condition?: 'not-running' | 'next-exit' | 'removed';
        signal?: AbortSignal;
        /**
         * Called once the engine holds the wait, before the exit: a `start` made after it cannot be missed by a
         * "next-exit" wait (`berth run` waits, then starts). Every implementation calls it before resolving.
         */
        onWaiting?: () => void;
      },
    ): Promise<ContainerExit>;
    logs(ref: string, opts?: LogOptions): AsyncIterable<LogChunk>;
    attach(ref: string, opts: { stdin: boolean; tty: boolean; detachKeys?: string }): Promise<ProcessStream>;
    resize(ref: string, size: { rows: number; columns: number }): Promise<void>;
    top(ref: string, psArgs?: string): Promise<{ titles: string[]; processes: string[][] }>;
    connect(ref: string, network: string, endpoint?: EndpointSettings): Promise<void>;
    disconnect(ref: string, network: string, opts?: { force?: boolean }): Promise<void>;
    /** The container's files (cp): stat a path, read it as a tar stream, or extract a tar stream into a folder. */
    statPath(ref: string, path: string): Promise<ContainerPathStat | undefined>;
    getArchive(ref: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }>;
    putArchive(ref: string, path: string, tar: Readable, opts?: { copyUIDGID?: boolean }): Promise<void>;
  };

  exec: {
    create(container: string, req: ExecCreate): Promise<{ id: string }>;
    start(id: string, opts: { tty: boolean; detach?: boolean; stdin?: boolean }): Promise<ProcessStream>;
    inspect(id: string): Promise<ExecDetails>;
    resize(id: string, size: { rows: number; columns: number }): Promise<void>;
  };

  images: {
    list(filter?: { labels?: readonly string[]; references?: readonly string[] }): Promise<ImageSummary[]>;
    inspect(ref: string): Promise<ImageDetails | undefined>;
    tag(ref: string, repo: string, tag: string): Promise<void>;
    remove(ref: string, opts?: { force?: boolean; noPrune?: boolean }): Promise<void>;
    pull(ref: string, opts?: ImageTransfer): Promise<void>;
    push(ref: string, opts?: ImageTransfer): Promise<void>;
    /** A registry's manifest digest and platforms for `ref` (`GET /distribution/{name}/json`), pulling nothing. */
    distribution(ref: string, auth?: RegistryAuth): Promise<DistributionInfo>;
    /** `docker load`: a tar of images (Docker's or OCI's layout). */
    load(tar: Readable, opts?: { signal?: AbortSignal; onProgress?: (m: ProgressMessage) => void }): Promise<void>;
    /** Resolves with the image ID built; a failed step rejects with the build's own message. */
    build(req: BuildRequest): Promise<{ id: string }>;
  };

  networks: {
    list(filter?: { labels?: readonly string[]; names?: readonly string[] }): Promise<NetworkSummary[]>;
    inspect(ref: string): Promise<NetworkSummary | undefined>;
    create(req: NetworkCreate): Promise<{ id: string }>;
    remove(ref: string): Promise<void>;
  };

  volumes: {
    list(filter?: { labels?: readonly string[]; names?: readonly string[] }): Promise<VolumeSummary[]>;
    inspect(name: string): Promise<VolumeSummary | undefined>;
    create(req: VolumeCreate): Promise<VolumeSummary>;
    remove(name: string, opts?: { force?: boolean }): Promise<void>;
  };

  /** The engine's events from now (or `since`) until the signal aborts or `until` passes. */
  events(filter: EventFilter, signal: AbortSignal): AsyncIterable<EngineEvent>;
}
