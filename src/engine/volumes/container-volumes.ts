// The VolumeAttachments seam (containers/attachments.ts): at create, the container's mounts are planned and its
// volumes made (anonymous ones named, named ones created on use); at start they become OCI mounts, with copy-up
// into empty volumes; at exit, device volumes no running container needs are unmounted; at remove, `docker rm
// -v` takes the anonymous volumes along. What was planned is kept in `record.attachments.volumes`.
import { mkdir, stat } from 'node:fs/promises';
import type { VolumeAttachments } from '../containers/attachments.js';
import type { ContainerRecord, ContainerStore } from '../containers/container-store.js';
import type { EventBus } from '../events/event-bus.js';
import { EngineError } from '../errors.js';
import type { ImageStore } from '../images/image-store.js';
import { tmpfsMount } from '../runtime/oci-mounts.js';
import type { ResolvedMount } from '../runtime/spec-input.js';
import { copyUp } from './copy-up.js';
import type { ApiMount } from './api-mount.js';
import type { BindMount, ContainerMount, VolumeMount } from './mount-spec.js';
import { mountConfigError, recordedMounts } from './mount-spec.js';
import { planMounts } from './plan-mounts.js';
import { ANONYMOUS_LABEL, newVolumeName } from './volume-name.js';
import type { VolumeService } from './volume-service.js';

export interface ContainerVolumesDeps {
  volumes: VolumeService;
  containers: ContainerStore;
  images: ImageStore;
  events: EventBus;
  log: (line: string) => void;
}

export class ContainerVolumes implements VolumeAttachments {
  private readonly deps: ContainerVolumesDeps;
  /** Copy-ups under way, by volume: two containers starting on one empty volume copy one after the other. */
  private readonly copying = new Map<string, Promise<unknown>>();
  /** Volumes docker cp holds open, by name, with how many requests hold each; changed only under copyLock. */
  private readonly openForCopy = new Map<string, number>();
  private copyLock: Promise<unknown> = Promise.resolve();

  constructor(deps: ContainerVolumesDeps) {
    this.deps = deps;
    // Docker reports a volume unmounted when the container stops; there is no exit hook, so the event says when.
    deps.events.subscribe((e) => {
      if (e.Type !== 'container' || e.Action !== 'die') return;
      const c = deps.containers.find(e.Actor.ID);
      if (c) this.unmountAll(c).catch((err: unknown) => deps.log(`volumes of ${c.id}: ${String(err)}`));
    });
  }

  async create(record: ContainerRecord): Promise<void> {
    const h = record.hostConfig;
    const image = this.deps.images.list().find((i) => i.id === record.imageId);
    const planned = planMounts({
      binds: h.Binds as string[] | null | undefined,
      mounts: h.Mounts as ApiMount[] | null | undefined,
      volumesFrom: h.VolumesFrom as string[] | null | undefined,
      tmpfs: h.Tmpfs as Record<string, string> | null | undefined,
      volumes: [
        ...Object.keys(image?.config.config?.Volumes ?? {}),
        ...Object.keys((record.config.Volumes as Record<string, object> | null | undefined) ?? {}),
      ],
      mountsOf: (ref) => recordedMounts(this.volumesFrom(ref)),
    });
    const made: string[] = [];
    try {
      for (const m of planned) {
        if (m.type === 'bind' && !m.createSource) await checkBindSource(m);
        if (m.type !== 'volume') continue;
        if (m.anonymous && m.name === '') {
          m.name = newVolumeName();
          made.push(m.name);
        }
        await this.ensureVolume(m);
      }
    } catch (e) {
      for (const name of made) await this.deps.volumes.remove(name, { force: true }).catch(() => undefined);
      throw e;
    }
    record.attachments = { ...record.attachments, volumes: { mounts: planned } };
  }

  async mounts(c: ContainerRecord, rootfs: string): Promise<ResolvedMount[]> {
    const out: ResolvedMount[] = [];
    for (const m of recordedMounts(c)) {
      if (m.type === 'volume') {
        await this.ensureVolume(m);
        const source = await this.deps.volumes.mountpoint(m.name);
        if (!m.noCopy) await this.copyUpOnce(m.name, () => copyUp(rootfs, m.destination, source));
        out.push({ source, destination: m.destination, type: 'bind', options: bindOptions(m, 'rbind') });
        this.deps.events.emit('volume', 'mount', m.name, {
          container: c.id,
          destination: m.destination,
          driver: 'local',
          propagation: m.propagation,
          'read/write': String(m.rw),
        });
      } else if (m.type === 'bind') {
        // -v makes a missing source folder, as Docker does; an existing file (-v /etc/app.conf:/x) is bound as is.
        if (m.createSource) {
          if ((await stat(m.source).catch(() => undefined)) === undefined) await makeFolders(m.source);
        } else await checkBindSource(m);
        out.push({
          source: m.source,
          destination: m.destination,
          type: 'bind',
          options: bindOptions(m, m.nonRecursive ? 'bind' : 'rbind'),
        });
      } else {
        const t = tmpfsMount(m.destination, m.options);
        out.push({ destination: t.destination, type: 'tmpfs', source: t.source ?? 'tmpfs', options: t.options ?? [] });
      }
    }
    return out;
  }

  async remove(c: ContainerRecord, opts: { volumes: boolean }): Promise<void> {
    // A container run with --rm takes its anonymous volumes along, as dockerd's auto-remove does.
    const withAnonymous = opts.volumes || c.hostConfig.AutoRemove === true;
    for (const m of recordedMounts(c)) {
      if (m.type !== 'volume') continue;
      await this.deps.volumes.release(m.name);
      if (!withAnonymous || !m.anonymous) continue;
      // Another container may still use it (--volumes-from): then it stays, without an error, as in Docker.
      await this.deps.volumes.remove(m.name, { force: true, except: c.id }).catch((e: unknown) => {
        if (!(e instanceof EngineError && e.kind === 'conflict')) throw e;
      });
    }
  }

  inspect(c: ContainerRecord): unknown[] {
    return recordedMounts(c).map((m) => mountJson(m, (name) => this.deps.volumes.store.dataOf(name)));
  }

  async openMounts(c: ContainerRecord): Promise<{ mounts: unknown[]; release(): Promise<void> }> {
    const names = recordedMounts(c).flatMap((m) => (m.type === 'volume' ? [m.name] : []));
    const opened: string[] = [];
    // Counted and one at a time: a docker cp's HEAD may still be releasing when its PUT opens the same volume.
    const release = (): Promise<void> =>
      this.serially(async () => {
        for (const name of opened.splice(0)) {
          const left = (this.openForCopy.get(name) ?? 1) - 1;
          if (left > 0) this.openForCopy.set(name, left);
          else {
            this.openForCopy.delete(name);
            await this.deps.volumes.release(name);
          }
        }
      });
    try {
      await this.serially(async () => {
        for (const name of names) {
          await this.deps.volumes.mountpoint(name);
          this.openForCopy.set(name, (this.openForCopy.get(name) ?? 0) + 1);
          opened.push(name);
        }
      });
    } catch (e) {
      await release();
      throw e;
    }
    return { mounts: this.inspect(c), release };
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.copyLock.catch(() => undefined).then(run);
    this.copyLock = next;
    return next;
  }

  private async copyUpOnce(name: string, copy: () => Promise<boolean>): Promise<void> {
    const next = (this.copying.get(name) ?? Promise.resolve()).catch(() => undefined).then(copy);
    this.copying.set(name, next);
    try {
      await next;
    } finally {
      if (this.copying.get(name) === next) this.copying.delete(name);
    }
  }

  // A 404 at create makes the docker CLI try to pull the image: an unknown --volumes-from is a 400 instead.
  private volumesFrom(ref: string): ContainerRecord {
    const c = this.deps.containers.find(ref);
    if (!c) throw new EngineError('invalid', 'ENGINE_NO_SUCH_CONTAINER', `No such container: ${ref}`);
    return c;
  }

  private async ensureVolume(m: VolumeMount): Promise<void> {
    if (this.deps.volumes.store.find(m.name)) return;
    await this.deps.volumes.create({
      Name: m.name,
      Labels: m.anonymous ? { ...m.labels, [ANONYMOUS_LABEL]: '' } : m.labels,
      DriverOpts: m.options,
    });
  }

  private async unmountAll(c: ContainerRecord): Promise<void> {
    for (const m of recordedMounts(c)) {
      if (m.type !== 'volume') continue;
      this.deps.events.emit('volume', 'unmount', m.name, { container: c.id, driver: 'local' });
      await this.deps.volumes.release(m.name);
    }
  }
}

function bindOptions(m: ContainerMount, bind: 'bind' | 'rbind'): string[] {
  return [bind, m.rw ? 'rw' : 'ro', m.propagation || 'rprivate'];
}

async function checkBindSource(m: BindMount): Promise<void> {
  const found = await stat(m.source).catch(() => undefined);
  if (!found) throw mountConfigError('bind', `bind source path does not exist: ${m.source}`);
}

/** One entry of inspect's Mounts, as Docker shows it (Name and Driver for volumes only). */
function mountJson(m: ContainerMount, dataOf: (name: string) => string): unknown {
  const tail = { Mode: m.mode, RW: m.rw, Propagation: m.propagation };
  if (m.type === 'volume') {
    return {
      Type: 'volume',
      Name: m.name,
      Source: dataOf(m.name),
      Destination: m.destination,
      Driver: 'local',
      ...tail,
    };
  }
  return { Type: m.type, Source: m.type === 'bind' ? m.source : '', Destination: m.destination, ...tail };
}

/**
 * mkdir -p, one folder at a time: Node's recursive mkdir loops forever where mkdir answers ENOENT for a folder
 * whose parent exists (under /proc), which would hang a libuv thread of berthd on `-v /proc/x:/y`.
 */
async function makeFolders(path: string): Promise<void> {
  let at = '';
  for (const part of path.split('/').filter(Boolean)) {
    at = `${at}/${part}`;
    await mkdir(at, { mode: 0o755 }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
}
