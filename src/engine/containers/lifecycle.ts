// What happens to a container: create, start, stop, kill, wait, remove. Processes run under conmon, so they and
// their logs outlive berthd; exits are read from conmon's exit files by exits.ts. Every state change is saved
// before it is announced, so a restarted berthd sees what clients were told.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { EngineError } from '../errors.js';
import type { EventBus } from '../daemon/events.js';
import type { ImageStore } from '../images/image-store.js';
import { logRotation } from '../runtime/log-options.js';
import { createWithConmon } from '../runtime/conmon.js';
import { unmount } from '../runtime/overlay.js';
import type { Runc } from '../runtime/runc.js';
import type { SeccompSettings } from '../runtime/oci-security.js';
import { resolveSecurityOpt } from '../runtime/seccomp-host.js';
import type { ContainerRecord } from './container-store.js';
import { ContainerStore, newState } from './container-store.js';
import type { AttachmentsJson, ContainerPaths } from './docker-json.js';
import { withImageExposedPorts } from './docker-json.js';
import type { NetworkAttachments, VolumeAttachments } from './attachments.js';
import { LOOPBACK_ONLY, NO_VOLUMES } from './attachments.js';
import { validateHealthcheck } from './health-config.js';
import { LifecycleHookList } from './lifecycle-hooks.js';
import { normalizeNamespaceModes } from './namespaces.js';
import { validateRestartPolicy } from './restart-policy.js';
import { shmDir, writeEtcFiles, writeStartBundle } from './start-bundle.js';

export interface LifecycleDeps {
  root: string;
  store: ContainerStore;
  images: ImageStore;
  runc: Runc;
  events: EventBus;
  log: (line: string) => void;
  /** Default: no volumes (NO_VOLUMES). */
  volumes?: VolumeAttachments;
  /** Default: loopback only (LOOPBACK_ONLY). */
  networks?: NetworkAttachments;
  /** berthd's default seccomp profile, loaded once (loadSeccompSettings). Absent: containers get no filter. */
  seccomp?: SeccompSettings;
}

const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export class Lifecycle {
  readonly deps: LifecycleDeps;
  private readonly waiters = new Map<string, Array<(c: ContainerRecord) => void>>();
  /** Names of containers whose create is under way (see create). */
  private readonly creating = new Set<string>();
  /** The start under way for a container, if any (see start). */
  private readonly startLocks = new Map<string, Promise<void>>();
  /** Folders of removed containers still being deleted in the background. */
  private readonly deleting = new Set<Promise<void>>();
  /** Ids of the containers a removal is under way for. */
  private readonly removing = new Set<string>();
  /** Containers between runc create and being recorded as running, with an exit that came in meanwhile. */
  private readonly starting = new Map<string, { exitCode: number; oomKilled: boolean } | undefined>();

  readonly volumes: VolumeAttachments;
  readonly networks: NetworkAttachments;
  /** Health monitors and restart policies join here (see lifecycle-hooks.ts); berthd adds them. */
  readonly hooks = new LifecycleHookList();

  constructor(deps: LifecycleDeps) {
    this.deps = deps;
    this.volumes = deps.volumes ?? NO_VOLUMES;
    this.networks = deps.networks ?? LOOPBACK_ONLY;
    mkdirSync(this.exitDir, { recursive: true, mode: 0o700 });
  }

  get exitDir(): string {
    return join(this.deps.root, 'exits');
  }

  paths(c: ContainerRecord): ContainerPaths {
    const dir = this.deps.store.dirOf(c.id);
    return {
      logPath: join(dir, 'container.log'),
      rootfs: join(dir, 'rootfs'),
      upper: join(dir, 'diff'),
      work: join(dir, 'work'),
      // overlayfs wants the topmost layer first; the image lists its layers lowest first.
      lowerdirs: [...this.deps.images.rootfsLayers(c.imageId)].reverse(),
      hostsPath: join(dir, 'hosts'),
      hostnamePath: join(dir, 'hostname'),
      resolvConfPath: join(dir, 'resolv.conf'),
    };
  }

  imageConfig(c: ContainerRecord): Record<string, unknown> {
    const image = this.deps.images.list().find((i) => i.id === c.imageId);
    return (image?.config.config as Record<string, unknown> | undefined) ?? {};
  }

  async create(name: string | undefined, body: Record<string, unknown>): Promise<{ Id: string; Warnings: string[] }> {
    const { store, images } = this.deps;
    if (name !== undefined && name !== '' && !NAME.test(name)) {
      throw new EngineError(
        'invalid',
        'ENGINE_BAD_NAME',
        `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      );
    }
    const cleanName = name ? name.replace(/^\//, '') : undefined;
    if (cleanName && this.creating.has(cleanName)) {
      throw new EngineError(
        'conflict',
        'ENGINE_NAME_IN_USE',
        `Conflict. The container name "/${cleanName}" is already in use by a container being created.`,
      );
    }
    if (cleanName && store.find(cleanName)?.name === cleanName) {
      const other = store.get(cleanName);
      throw new EngineError(
        'conflict',
        'ENGINE_NAME_IN_USE',
        `Conflict. The container name "/${cleanName}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const imageRef = String(body.Image ?? '');
    const image = images.resolve(imageRef);
    if (!image) throw new EngineError('not-found', 'ENGINE_NO_SUCH_IMAGE', `No such image: ${imageRef}`);
    const { HostConfig, NetworkingConfig, ...config } = body;
    const id = ContainerStore.newId();
    const record: ContainerRecord = {
      id,
      name: cleanName ?? randomName(id),
      created: new Date().toISOString(),
      image: imageRef,
      imageId: image.id,
      config,
      hostConfig: normalizeNamespaceModes({ ...((HostConfig as Record<string, unknown> | undefined) ?? {}) }, (ref) =>
        store.find(ref),
      ),
      state: newState(),
      restartCount: 0,
    };
    record.config = withImageExposedPorts(config, this.imageConfig(record));
    // The name is held from here until the record is saved: two creates with one name must not both pass the check.
    this.creating.add(record.name);
    try {
      return await this.createRecord(record, config, NetworkingConfig, imageRef);
    } finally {
      this.creating.delete(record.name);
    }
  }

  private async createRecord(
    record: ContainerRecord,
    config: Record<string, unknown>,
    networkingConfig: unknown,
    imageRef: string,
  ): Promise<{ Id: string; Warnings: string[] }> {
    const { store, events } = this.deps;
    const id = record.id;
    const p = this.paths(record);
    logRotation(record.hostConfig); // a bad max-size or max-file fails here, at create, as with Docker
    validateRestartPolicy(record.hostConfig);
    validateHealthcheck(config);
    const securityOpt = record.hostConfig.SecurityOpt;
    if (Array.isArray(securityOpt)) record.hostConfig.SecurityOpt = resolveSecurityOpt(securityOpt as string[]);
    await this.networks.create(record, networkingConfig);
    await this.volumes.create(record);
    for (const d of [p.rootfs, p.work]) mkdirSync(d, { recursive: true, mode: 0o700 });
    // The container's "/" takes the upper folder's mode: 0755 as in Docker, or a non-root USER can open nothing.
    mkdirSync(p.upper, { recursive: true, mode: 0o755 });
    // The log exists from create on (conmon appends to it): a client that attaches before start holds it open
    // from its first byte, so it reads everything even when the container exits and is removed at once.
    writeFileSync(p.logPath, '', { flag: 'a', mode: 0o640 });
    await store.save(record);
    events.emit('container', 'create', id, { name: record.name, image: imageRef, ...labelsOf(record) });
    return { Id: id, Warnings: [] };
  }

  /**
   * Starts a created or exited container. Starts of one container run one after the other: a client that gave up
   * on a start (and retries) must not interleave with the start still under way. `byPolicy`: a restart policy
   * starts it, which keeps its restart count (a user's start resets it).
   */
  async start(ref: string, opts: { byPolicy?: boolean } = {}): Promise<void> {
    const id = this.deps.store.get(ref).id;
    const previous = this.startLocks.get(id) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.startUnlocked(id, opts));
    const settled = mine.catch(() => undefined);
    this.startLocks.set(id, settled);
    void settled.then(() => {
      if (this.startLocks.get(id) === settled) this.startLocks.delete(id);
    });
    return mine;
  }

  private async startUnlocked(ref: string, opts: { byPolicy?: boolean }): Promise<void> {
    const { store } = this.deps;
    const c = store.find(ref);
    if (!c) throw new EngineError('not-found', 'ENGINE_NO_SUCH_CONTAINER', `No such container: ${ref}`);
    if (c.state.Paused) {
      throw new EngineError('conflict', 'ENGINE_PAUSED', 'cannot start a paused container, try unpause instead', {
        hint: `unpause it: docker unpause ${c.name}`,
      });
    }
    if (c.state.Running) return; // Docker answers 304; the route says so
    const p = this.paths(c);
    let prepared: { bundle: string };
    try {
      prepared = await writeStartBundle(this, c, p);
    } catch (e) {
      await this.networks.disconnect(c).catch((d: unknown) => this.deps.log(`disconnect ${c.id}: ${String(d)}`));
      this.autoRemoveAfterFailedStart(c);
      throw e;
    }
    const { bundle } = prepared;
    // A short-lived process can exit before this method records it as running: its exit waits here until then.
    this.starting.set(c.id, undefined);
    this.hooks.starting(c, { byPolicy: opts.byPolicy === true });
    try {
      await this.startProcess(c, bundle, p);
    } catch (e) {
      await this.networks.disconnect(c).catch((d: unknown) => this.deps.log(`disconnect ${c.id}: ${String(d)}`));
      this.autoRemoveAfterFailedStart(c);
      throw e;
    } finally {
      const early = this.starting.get(c.id);
      this.starting.delete(c.id);
      if (early) await this.recordExit(c.id, early.exitCode, early.oomKilled);
    }
  }

  /**
   * As dockerd does: a container that should remove itself and cannot start is removed, so that a client waiting
   * for its removal (docker run --rm) is not left waiting.
   */
  private autoRemoveAfterFailedStart(c: ContainerRecord): void {
    if (c.hostConfig.AutoRemove !== true) return;
    void this.remove(c.id, { force: true, volumes: true }).catch((r: unknown) =>
      this.deps.log(`auto-remove of ${c.id} after a failed start: ${String(r)}`),
    );
  }

  private async startProcess(c: ContainerRecord, bundle: string, p: ContainerPaths): Promise<void> {
    const { store, runc, events } = this.deps;
    // The network is set up while conmon and runc create the process (which waits for runc start): the two
    // costs overlap instead of adding up (~50 ms of a start on a bridge network).
    const connecting = this.networks.connect(c);
    connecting.catch(() => undefined); // awaited below; failing early must not be an unhandled rejection
    const started = await createWithConmon({
      id: c.id,
      bundle,
      runc,
      logPath: p.logPath,
      logSizeMax: conmonLogSizeMax(c.hostConfig),
      exitDir: this.exitDir,
      persistDir: join(bundle, 'conmon'),
      pidFile: join(bundle, 'pidfile'),
      conmonPidFile: join(bundle, 'conmon.pid'),
    }).catch(async (e: unknown) => {
      await connecting.catch(() => undefined); // settled before the caller disconnects
      throw e;
    });
    try {
      writeEtcFiles(c, p, await connecting);
    } catch (e) {
      await runc.delete(c.id, { force: true }).catch(() => undefined);
      throw e;
    }
    await runc.start(c.id);
    c.state = {
      ...c.state,
      Status: 'running',
      Running: true,
      Restarting: false,
      Paused: false,
      Pid: started.pid,
      ExitCode: 0,
      Error: '',
      OOMKilled: false,
      StartedAt: new Date().toISOString(),
    };
    c.conmonPid = started.conmonPid;
    await store.save(c);
    events.emit('container', 'start', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
    this.hooks.started(c);
  }

  /** Records an exit that conmon reported (now or while berthd was down). */
  async recordExit(id: string, exitCode: number, oomKilled: boolean): Promise<void> {
    const { store, runc, events } = this.deps;
    if (this.starting.has(id)) {
      this.starting.set(id, { exitCode, oomKilled });
      return;
    }
    const c = store.find(id);
    if (!c || (!c.state.Running && c.state.Status !== 'paused')) return;
    c.state = {
      ...c.state,
      Status: 'exited',
      Running: false,
      Paused: false,
      Pid: 0,
      ExitCode: exitCode,
      OOMKilled: oomKilled,
      FinishedAt: new Date().toISOString(),
    };
    c.conmonPid = undefined;
    const restarting = this.hooks.exiting(c); // a restart policy may leave it `restarting`
    await store.save(c);
    await Promise.all([
      runc.delete(c.id, { force: true }).catch(() => undefined),
      unmount(this.paths(c).rootfs).catch(() => undefined),
      unmount(shmDir(this, c.id)).catch(() => undefined),
      this.networks.disconnect(c).catch((e: unknown) => this.deps.log(`disconnect ${c.id}: ${String(e)}`)),
    ]);
    if (oomKilled) events.emit('container', 'oom', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
    events.emit('container', 'die', c.id, { name: c.name, image: c.image, exitCode: String(exitCode), ...labelsOf(c) });
    for (const w of this.waiters.get(c.id) ?? []) w(c);
    this.waiters.delete(c.id);
    this.hooks.exited(c, restarting);
    if (c.hostConfig.AutoRemove === true && !restarting) await this.remove(c.id, { force: true });
  }

  async kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    const c = this.deps.store.get(ref);
    if (!c.state.Running && !c.state.Restarting) {
      throw new EngineError('conflict', 'ENGINE_NOT_RUNNING', `Container ${c.id} is not running`);
    }
    if (await this.hooks.stopping(c, signalName(signal))) return; // waiting to restart: no process to signal
    await this.deps.runc.kill(c.id, signal, { all: true });
    // As dockerd does: a paused container is thawed after SIGKILL or its stop signal, so that the signal acts.
    const stopSignal = (c.config.StopSignal as string | undefined) ?? 'SIGTERM';
    if (c.state.Paused && [signalName('SIGKILL'), signalName(stopSignal)].includes(signalName(signal))) {
      await this.deps.runc.resume(c.id).catch(() => undefined);
    }
    this.deps.events.emit('container', 'kill', c.id, {
      name: c.name,
      image: c.image,
      signal: signalName(signal),
      ...labelsOf(c),
    });
  }

  /** Freezes every process of a running container (`runc pause`); Docker answers 409 when it is not running. */
  async pause(ref: string): Promise<void> {
    const c = this.deps.store.get(ref);
    if (!c.state.Running) throw new EngineError('conflict', 'ENGINE_NOT_RUNNING', `Container ${c.id} is not running`);
    if (c.state.Paused) throw new EngineError('conflict', 'ENGINE_PAUSED', `Container ${c.id} is already paused`);
    await this.deps.runc.pause(c.id);
    c.state = { ...c.state, Status: 'paused', Paused: true };
    await this.deps.store.save(c);
    this.deps.events.emit('container', 'pause', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
  }

  async unpause(ref: string): Promise<void> {
    const c = this.deps.store.get(ref);
    if (!c.state.Paused) throw new EngineError('conflict', 'ENGINE_NOT_PAUSED', `Container ${c.id} is not paused`);
    await this.deps.runc.resume(c.id);
    c.state = { ...c.state, Status: 'running', Paused: false };
    await this.deps.store.save(c);
    this.deps.events.emit('container', 'unpause', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
  }

  /** Gives the container a new name; the old one is free at once. */
  async rename(ref: string, newName: string): Promise<void> {
    const c = this.deps.store.get(ref);
    const clean = newName.replace(/^\//, '');
    if (!NAME.test(clean)) {
      throw new EngineError(
        'invalid',
        'ENGINE_BAD_NAME',
        `Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      );
    }
    if (clean === c.name) {
      throw new EngineError(
        'conflict',
        'ENGINE_NAME_IN_USE',
        'Renaming a container with the same name as its current name',
      );
    }
    const other = this.deps.store.all().find((o) => o.name === clean);
    if (other) {
      throw new EngineError(
        'conflict',
        'ENGINE_NAME_IN_USE',
        `Conflict. The container name "/${clean}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const oldName = c.name;
    c.name = clean;
    await this.deps.store.save(c);
    this.deps.events.emit('container', 'rename', c.id, {
      name: clean,
      oldName: `/${oldName}`,
      image: c.image,
      ...labelsOf(c),
    });
  }

  /** StopSignal (default SIGTERM), then SIGKILL after the grace period (default 10 s, or StopTimeout). */
  async stop(ref: string, timeoutSec?: number): Promise<void> {
    const c = this.deps.store.get(ref);
    if (!c.state.Running && !c.state.Restarting) return;
    const signal =
      (c.config.StopSignal as string | undefined) ??
      (this.imageConfig(c).StopSignal as string | undefined) ??
      'SIGTERM';
    const grace = timeoutSec ?? (c.config.StopTimeout as number | undefined) ?? 10;
    // Ends a wait to restart at once; the kill and wait below then find no process and return.
    await this.hooks.stopping(c, signalName(signal));
    const exited = this.waitExit(c.id);
    await this.deps.runc.kill(c.id, signal, { all: true }).catch(() => undefined);
    if (c.state.Paused) await this.deps.runc.resume(c.id).catch(() => undefined); // so the signal is acted on
    const timedOut = await Promise.race([exited.then(() => false), delay(grace * 1000).then(() => true)]);
    if (timedOut) {
      await this.deps.runc.kill(c.id, 'SIGKILL', { all: true }).catch(() => undefined);
      await exited;
    }
    this.deps.events.emit('container', 'stop', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
  }

  /** inspect's and list's Mounts, NetworkSettings and Ports, from the volume and network modules. */
  attachmentsJson(c: ContainerRecord): AttachmentsJson {
    const networkSettings = (this.networks.inspect(c) ?? {}) as Record<string, unknown>;
    // dockerd keeps a container's ports only while its network is up: a created or exited one lists none.
    if (!c.state.Running) networkSettings.Ports = {};
    return { mounts: this.volumes.inspect(c), networkSettings, ports: summaryPorts(networkSettings.Ports) };
  }

  /** Resolves once background work (deleting the folders of removed containers) is done. */
  async settle(): Promise<void> {
    await Promise.all([...this.deleting]);
  }

  /** Resolves with the record once the container is not running (at once if it is not). */
  waitExit(id: string): Promise<ContainerRecord> {
    const c = this.deps.store.get(id);
    if (!c.state.Running) return Promise.resolve(c);
    return new Promise((resolve) => this.waiters.set(c.id, [...(this.waiters.get(c.id) ?? []), resolve]));
  }

  /** Docker's DELETE /containers/{id}: `force` kills a running one; `volumes` removes its anonymous volumes. */
  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const c = this.deps.store.get(ref);
    // A second removal while one is under way would tear down the same rootfs and network twice; dockerd
    // answers it with a conflict too.
    if (this.removing.has(c.id)) {
      throw new EngineError(
        'conflict',
        'ENGINE_REMOVAL_IN_PROGRESS',
        `removal of container ${c.id} is already in progress`,
      );
    }
    this.removing.add(c.id);
    try {
      await this.removeOnce(c, opts);
    } finally {
      this.removing.delete(c.id);
    }
  }

  private async removeOnce(c: ContainerRecord, opts: { force?: boolean; volumes?: boolean }): Promise<void> {
    const { store, events } = this.deps;
    if (c.state.Running || c.state.Restarting) {
      if (!opts.force) {
        throw new EngineError(
          'conflict',
          'ENGINE_CONTAINER_RUNNING',
          `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
        );
      }
      await this.hooks.stopping(c, 'SIGKILL');
      const exited = this.waitExit(c.id);
      await this.deps.runc.kill(c.id, 'SIGKILL', { all: true }).catch(() => undefined);
      // A frozen process cannot act on SIGKILL until its cgroup thaws (Docker unpauses after the kill too).
      if (c.state.Paused) await this.deps.runc.resume(c.id).catch(() => undefined);
      await Promise.race([exited, delay(5000)]);
    }
    await Promise.all([
      this.deps.runc.hasState(c.id) ? this.deps.runc.delete(c.id, { force: true }).catch(() => undefined) : undefined,
      unmount(this.paths(c).rootfs).catch(() => undefined),
      unmount(shmDir(this, c.id)).catch(() => undefined),
      this.networks.disconnect(c).catch((e: unknown) => this.deps.log(`disconnect ${c.id}: ${String(e)}`)),
    ]);
    await this.networks.remove(c);
    await this.volumes.remove(c, { volumes: opts.volumes === true });
    const deleting = store.remove(c.id).catch((e: unknown) => this.deps.log(`removing ${c.id}: ${String(e)}`));
    this.deleting.add(deleting);
    void deleting.finally(() => this.deleting.delete(deleting));
    this.hooks.removed(c);
    events.emit('container', 'destroy', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
  }
}

/** Docker's list-summary Ports from inspect's NetworkSettings.Ports map ("80/tcp" -> [{HostIp, HostPort}]). */
function summaryPorts(ports: unknown): unknown[] {
  if (!ports || typeof ports !== 'object') return [];
  const out: unknown[] = [];
  for (const [key, bindings] of Object.entries(
    ports as Record<string, Array<{ HostIp: string; HostPort: string }> | null>,
  )) {
    const [port, type] = key.split('/');
    if (!bindings || bindings.length === 0) out.push({ PrivatePort: Number(port), Type: type ?? 'tcp' });
    for (const b of bindings ?? []) {
      out.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type ?? 'tcp' });
    }
  }
  return out;
}

export function labelsOf(c: ContainerRecord): Record<string, string> {
  return (c.config.Labels as Record<string, string> | undefined) ?? {};
}

/** SIGTERM for "TERM", "SIGTERM", "15" or 15, as Docker accepts all of them. */
export function signalName(s: string | number): string {
  const text = String(s).toUpperCase();
  if (/^\d+$/.test(text)) {
    const found = Object.entries(constants.signals).find(([, n]) => n === Number(text));
    return found ? found[0] : text;
  }
  return text.startsWith('SIG') ? text : `SIG${text}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const ADJECTIVES = ['brave', 'calm', 'eager', 'fond', 'keen', 'quiet', 'swift', 'tidy', 'bold', 'wise'];
const NOUNS = ['anchor', 'buoy', 'harbor', 'keel', 'mast', 'pier', 'quay', 'rudder', 'sail', 'tide'];

function randomName(id: string): string {
  const n = Number.parseInt(id.slice(0, 8), 16);
  return `${ADJECTIVES[n % 10]}_${NOUNS[Math.floor(n / 10) % 10]}_${id.slice(8, 12)}`;
}

// One file: conmon starts it afresh past max-size. More: berthd rotates them (containers/log-rotation.ts).
function conmonLogSizeMax(hostConfig: Record<string, unknown>): number | undefined {
  const rotation = logRotation(hostConfig);
  return rotation?.maxFile === 1 ? rotation.maxSize : undefined;
}
