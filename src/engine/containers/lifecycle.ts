// What happens to a container: create, start, stop, kill, wait, remove. Processes run under conmon, so they and
// their logs outlive berthd; exits are read from conmon's exit files by exits.ts. Every state change is saved
// before it is announced, so a restarted berthd sees what clients were told.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import type { EventBus } from '../events/event-bus.js';
import type { ImageStore } from '../images/image-store.js';
import { conmonLogSizeMax } from '../runtime/log-options.js';
import { createWithConmon } from '../runtime/conmon.js';
import { processStartTime } from '../runtime/process-signal.js';
import type { Runc } from '../runtime/runc.js';
import type { SeccompSettings } from '../runtime/oci-security.js';
import type { ContainerRecord } from './container-store.js';
import { labelsOf } from './container-labels.js';
import { signalName } from './signals.js';
import { graceOver, signalContainer } from './container-signal.js';
import type { ContainerStore } from './container-store.js';
import type { AttachmentsJson, ContainerPaths } from './docker-json.js';
import { summaryPorts } from './docker-json.js';
import { checkNewName } from './container-names.js';
import { createContainer } from './container-create.js';
import { PendingUnmounts, releaseProcess, removeContainer } from './container-remove.js';
import type { NetworkAttachments, VolumeAttachments } from './attachments.js';
import { LOOPBACK_ONLY, NO_VOLUMES } from './attachments.js';
import { LifecycleHookList } from './lifecycle-hooks.js';
import { writeEtcFiles, writeStartBundle } from './start-bundle.js';

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
  /**
   * Exits being recorded (state saved, teardown and `die` still to come): a start or a removal of the container
   * waits for it, as dockerd's container lock makes them, so that `destroy` never comes before `die`.
   */
  private readonly exiting = new Map<string, Promise<void>>();
  readonly unmounts = new PendingUnmounts();

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

  /** Docker's POST /containers/create: checks the request, sets up the container's folders, networks and volumes. */
  create(name: string | undefined, body: Record<string, unknown>): Promise<{ Id: string; Warnings: string[] }> {
    return createContainer(this, this.creating, { name, body });
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
    await this.exiting.get(ref);
    await this.unmounts.done(ref); // the last run's rootfs: mounted again below, never reused while it goes
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
    const startTime = processStartTime(started.pid); // runc init's, which exec keeps: read while it surely runs
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
    c.pidStartTime = startTime;
    await store.save(c);
    events.emit('container', 'start', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
    this.hooks.started(c);
  }

  /** Records an exit that conmon reported (now or while berthd was down). */
  async recordExit(id: string, exitCode: number, oomKilled: boolean): Promise<void> {
    const { store } = this.deps;
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
    c.pidStartTime = undefined;
    const restarting = this.hooks.exiting(c); // a restart policy may leave it `restarting`
    const recording = this.finishExit(c, exitCode, oomKilled);
    this.exiting.set(c.id, recording);
    try {
      await recording;
    } finally {
      this.exiting.delete(c.id);
    }
    this.hooks.exited(c, restarting);
    if (c.hostConfig.AutoRemove === true && !restarting) await this.remove(c.id, { force: true });
  }

  /** An exit's saved state, teardown, `die`, and the waiters told. */
  private async finishExit(c: ContainerRecord, exitCode: number, oomKilled: boolean): Promise<void> {
    const { store, events } = this.deps;
    await store.save(c);
    const released = releaseProcess(this, c);
    await released.decided;
    if (oomKilled) events.emit('container', 'oom', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
    events.emit('container', 'die', c.id, { name: c.name, image: c.image, exitCode: String(exitCode), ...labelsOf(c) });
    for (const w of this.waiters.get(c.id) ?? []) w(c);
    this.waiters.delete(c.id);
    await released.all; // the recording (which a start and a removal wait for) ends once the runc state is gone
  }

  async kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    const c = this.deps.store.get(ref);
    if (!c.state.Running && !c.state.Restarting) {
      throw new EngineError('conflict', 'ENGINE_NOT_RUNNING', `Container ${c.id} is not running`);
    }
    if (await this.hooks.stopping(c, signalName(signal))) return; // waiting to restart: no process to signal
    await signalContainer(this.deps.runc, c, signal);
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
    const clean = checkNewName(this.deps.store, c, newName);
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
    await signalContainer(this.deps.runc, c, signal).catch(() => undefined);
    if (c.state.Paused) await this.deps.runc.resume(c.id).catch(() => undefined); // so the signal is acted on
    // -t 0: SIGKILL at once, not after a timer's turn; a negative grace waits for the exit as long as it takes (moby)
    const timedOut = grace === 0 || (await Promise.race([exited.then(() => false), graceOver(grace)]));
    if (timedOut) {
      await signalContainer(this.deps.runc, c, 'SIGKILL').catch(() => undefined);
      await exited;
    }
    this.deps.events.emit('container', 'stop', c.id, { name: c.name, image: c.image, ...labelsOf(c) });
  }

  /** Docker's restart: a stop (as `stop`, with its grace period), a start, and a `restart` event. */
  async restart(ref: string, timeoutSec?: number): Promise<void> {
    const c = this.deps.store.get(ref);
    await this.stop(c.id, timeoutSec);
    await this.start(c.id);
    this.deps.events.emit('container', 'restart', c.id, { name: c.name, image: c.image });
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
    await Promise.all([...this.deleting, this.unmounts.done()]);
  }

  /**
   * Resolves with the record once the container is not running and its exit is recorded (its network let go as
   * clients see it, as dockerd's wait returns after its cleanup; its unmounts may still be under way, see
   * PendingUnmounts): at once for one that is not running.
   */
  async waitExit(id: string): Promise<ContainerRecord> {
    const c = this.deps.store.get(id);
    if (!c.state.Running) {
      await this.exiting.get(c.id);
      return c;
    }
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
      await this.exiting.get(c.id);
      await removeContainer(this, c, opts, this.deleting);
    } finally {
      this.removing.delete(c.id);
    }
  }
}
