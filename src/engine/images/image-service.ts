// The image operations the API offers that change something, each with the events dockerd emits for it: the
// stores change images, this says so on the event bus, and the routes only translate.
import type { Readable } from 'node:stream';
import type { EventBus } from '../events/event-bus.js';
import type { ImageRecord, ImageStore, ImportOptions, RemoveResult } from './image-store.js';
import type { Credentials, ProgressEvent, PullOutcome, PullRequest, RegistryImages } from './registry-images.js';

/** The image store and the registry client with the bus they report to. Events: image tag, untag, delete, load, import, pull, push. */
export class ImageService {
  readonly store: ImageStore;
  readonly registry: RegistryImages;
  readonly #events: EventBus;

  constructor(parts: { store: ImageStore; registry: RegistryImages; events: EventBus }) {
    this.store = parts.store;
    this.registry = parts.registry;
    this.#events = parts.events;
  }

  /** Tags the image `ref` names as `newRef` (repo:tag). */
  tag(ref: string, newRef: string): void {
    this.store.tag(ref, newRef);
    const image = this.store.resolve(ref);
    if (image !== undefined) this.#emit('tag', image.id, newRef);
  }

  /** `docker rmi` (see ImageStore.remove): one untag event per name removed, one delete event per deletion. */
  async remove(ref: string, opts: { force: boolean }): Promise<RemoveResult> {
    const result = await this.store.remove(ref, opts);
    for (const u of result.untagged) this.#emit('untag', u, u);
    for (const d of result.deleted) this.#emit('delete', d, d);
    return result;
  }

  /** `docker load`: the names (or IDs, of untagged images) loaded, in the archive's order. */
  async load(archive: Readable): Promise<string[]> {
    const { loaded } = await this.store.load(archive);
    for (const line of loaded) this.#emit('load', line, line);
    return loaded;
  }

  /** `docker import`: a rootfs tar as a one-layer image, tagged `opts.ref` when given. */
  async importRootfs(rootfs: Readable, opts: ImportOptions): Promise<ImageRecord> {
    const image = await this.store.importRootfs(rootfs, opts);
    this.#emit('import', image.id, opts.ref ?? image.id);
    return image;
  }

  async pull(request: PullRequest): Promise<PullOutcome> {
    const pulled = await this.registry.pull(request);
    this.#emit('pull', pulled.name, pulled.name);
    return pulled;
  }

  /** Pushes `name:tag` (every tag of `name` when tag is empty), as RegistryImages.push. */
  async push(
    name: string,
    tag: string,
    credentials: Credentials | undefined,
    onProgress: (e: ProgressEvent & { aux?: unknown }) => void,
  ): Promise<void> {
    await this.registry.push(name, tag, credentials, onProgress);
    this.#emit('push', `${name}${tag ? `:${tag}` : ''}`, name);
  }

  #emit(action: string, id: string, name: string): void {
    this.#events.emit('image', action, id, { name });
  }
}
