// The image operations that change something must say so on the event bus, as dockerd does: `docker events
// --filter type=image` shows load, tag, untag and delete (the routes no longer emit them).
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/engine/events/event-bus.js';
import { ImageService } from '../../../src/engine/images/image-service.js';
import { join } from 'node:path';
import { RegistryImages } from '../../../src/engine/images/registry-images.js';
import { loadRegistryConfig } from '../../../src/engine/registry/endpoints.js';
import { makeBusyboxImage, makeBusyboxSaveTar } from '../fixtures/busybox-image.js';
import { type Sandbox, makeSandbox } from './image-test-kit.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.dispose());

describe('image service', () => {
  it('load, tag and rmi must emit image events with the names dockerd gives them', async () => {
    const events = new EventBus();
    const seen: string[] = [];
    events.subscribe((e) => seen.push(`${e.Type} ${e.Action} ${e.Actor.ID} ${e.Actor.Attributes.name}`));
    const store = await box.open();
    const registry = new RegistryImages(store, loadRegistryConfig(join(box.dir, 'no-config')));
    const service = new ImageService({ store, registry, events });
    const id = (await makeBusyboxImage()).configDigest;

    expect(await service.load(Readable.from(await makeBusyboxSaveTar()))).toEqual(['busybox:latest']);
    service.tag('busybox', 'mine:1');
    const removed = await service.remove(id, { force: true });

    expect(removed.untagged.sort()).toEqual(['busybox:latest', 'mine:1']);
    expect(seen.slice(0, 2)).toEqual(['image load busybox:latest busybox:latest', `image tag ${id} mine:1`]);
    expect(seen.filter((s) => s.startsWith('image untag')).sort()).toEqual([
      'image untag busybox:latest busybox:latest',
      'image untag mine:1 mine:1',
    ]);
    expect(seen).toContain(`image delete ${id} ${id}`);
  });
});
