// The seams where volumes and networks plug into a container's life. Lifecycle calls them at create, start, exit
// and remove; src/engine/volumes and src/engine/networks implement them. Without them (the defaults here) a
// container has no volumes and loopback only.
import type { ResolvedMount } from '../runtime/spec-input.js';
import type { ContainerRecord } from './container-store.js';

/** Named volumes, anonymous volumes, bind mounts, tmpfs mounts and VolumesFrom (HostConfig.Binds/Mounts/...). */
export interface VolumeAttachments {
  /**
   * At create, before the record is saved: checks what the container asks for (throws EngineError), creates its
   * anonymous volumes, and may keep what it needs in `record.attachments.volumes`.
   */
  create(record: ContainerRecord): Promise<void>;
  /** At start, with the container's rootfs mounted at `rootfs`: the mounts for the OCI spec, in order. */
  mounts(c: ContainerRecord, rootfs: string): Promise<ResolvedMount[]>;
  /** At remove: anonymous volumes go too when `volumes` (docker rm -v); named volumes always stay. */
  remove(c: ContainerRecord, opts: { volumes: boolean }): Promise<void>;
  /** inspect's `Mounts`. */
  inspect(c: ContainerRecord): unknown[];
  /**
   * For docker cp: inspect's `Mounts` with each volume's data reachable at its Source (a device volume mounted
   * if no running container holds it), until `release`, which undoes only what this call mounted.
   */
  openMounts(c: ContainerRecord): Promise<{ mounts: unknown[]; release(): Promise<void> }>;
}

/** What a started container's network looks like to the spec and to the files berthd bind-mounts into it. */
export interface NetworkSetup {
  /** A network namespace to join (a bind-mounted netns path); absent: a new one with loopback only. */
  netns?: string;
  /** Whole contents of /etc/hosts and /etc/resolv.conf; absent: berthd's defaults (loopback, host's resolvers). */
  hosts?: string;
  resolvConf?: string;
}

/** Networks: NetworkMode, NetworkingConfig endpoints (aliases, static addresses), DNS and published ports. */
export interface NetworkAttachments {
  /** At create, before the record is saved: checks NetworkMode and the endpoints (throws EngineError). */
  create(record: ContainerRecord, networkingConfig: unknown): Promise<void>;
  /**
   * At start, before the OCI spec is built: the network namespace the container will join (undefined: a new one with
   * loopback only), made now when it is the container's own, so that the runtime creates the container while
   * `connect` sets the namespace up. Undone by `disconnect`.
   */
  namespace(c: ContainerRecord): Promise<string | undefined>;
  /** At start, after `namespace`, while or before the runtime creates the process (which must not run before). */
  connect(c: ContainerRecord): Promise<NetworkSetup>;
  /** When the process has exited, and at remove: undo connect (idempotent). */
  disconnect(c: ContainerRecord): Promise<void>;
  /** At remove, after disconnect: forget the container's endpoints. */
  remove(c: ContainerRecord): Promise<void>;
  /** inspect's `NetworkSettings`. */
  inspect(c: ContainerRecord): unknown;
}

export const NO_VOLUMES: VolumeAttachments = {
  create: () => Promise.resolve(),
  mounts: () => Promise.resolve([]),
  remove: () => Promise.resolve(),
  inspect: () => [],
  openMounts: () => Promise.resolve({ mounts: [], release: () => Promise.resolve() }),
};

export const LOOPBACK_ONLY: NetworkAttachments = {
  create: () => Promise.resolve(),
  namespace: () => Promise.resolve(undefined),
  connect: () => Promise.resolve({}),
  disconnect: () => Promise.resolve(),
  remove: () => Promise.resolve(),
  inspect: () => ({ Networks: {}, Ports: {}, IPAddress: '', Gateway: '', MacAddress: '' }),
};
