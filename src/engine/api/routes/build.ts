// /build (Docker's classic builder endpoint: a tar context in, JSON progress lines out) and /build/prune.
import { join } from 'node:path';
import type { Lifecycle } from '../../containers/lifecycle.js';
import type { EventBus } from '../../events/event-bus.js';
import { isBerthError } from '../../../errors.js';
import type { ImageStore } from '../../images/image-store.js';
import type { RegistryImages } from '../../images/registry-images.js';
import { buildRegistryCredentials } from '../../images/registry-images.js';
import { buildImage } from '../../build/builder.js';
import { buildOptionsFromQuery } from '../../build/build-options.js';
import type { HostTrust } from '../../build/host-trust.js';
import { jsonLinesOutput } from '../../build/build-output.js';
import { unpackContext } from '../../build/context/unpack-context.js';
import { newWorkDir, removeWorkDir } from '../../build/work-dirs.js';
import type { ApiRouter } from '../server.js';
import { sendJson } from '../server.js';

export function buildRoutes(
  router: ApiRouter,
  deps: {
    root: string;
    images: ImageStore;
    lifecycle: Lifecycle;
    events: EventBus;
    hostTrust?: HostTrust;
    registry?: RegistryImages;
  },
): void {
  router.on('POST', '/build', async (req, res) => {
    const options = buildOptionsFromQuery(req.query); // a bad query is a 400 before any progress
    const workDir = await newWorkDir(deps.root);
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const out = jsonLinesOutput(res, { quiet: options.quiet });
    try {
      const contextDir = join(workDir, 'context');
      const contextDigests = await unpackContext(req.raw, contextDir);
      const registry = deps.registry;
      // The docker CLI sends the credentials of every registry it knows in X-Registry-Config.
      const credentials = buildRegistryCredentials(req.raw.headers['x-registry-config'] as string | undefined);
      const pullBase = registry
        ? async (ref: string, progress: typeof out) => {
            const pulled = await registry.pull({
              ref,
              credentials: credentials(ref),
              onProgress: (e) => {
                if (e.progressDetail === undefined) progress.line(`${e.id ? `${e.id}: ` : ''}${e.status}\n`);
              },
            });
            progress.line(
              `Status: ${pulled.updated ? 'Downloaded newer image' : 'Image is up to date'} for ${pulled.name}\n`,
            );
            return deps.images.resolve(pulled.name) as NonNullable<ReturnType<ImageStore['resolve']>>;
          }
        : undefined;
      const image = await buildImage(
        { images: deps.images, lifecycle: deps.lifecycle, hostTrust: deps.hostTrust, pullBase },
        { contextDir, contextDigests, workDir, options, out, signal: abort.signal },
      );
      for (const tag of options.tags) deps.events.emit('image', 'tag', image.id, { name: tag });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const hint = isBerthError(e) && e.hint ? `\nhint: ${e.hint}` : '';
      out.error(`${message}${hint}`);
    } finally {
      await removeWorkDir(workDir);
      res.end();
    }
  });

  router.on('POST', '/build/prune', async (_req, res) => {
    const report = await deps.images.prune({ buildStepsOnly: true });
    const deleted = report.ImagesDeleted.flatMap((d) => (d.Deleted ? [d.Deleted] : []));
    sendJson(res, 200, { CachesDeleted: deleted, SpaceReclaimed: report.SpaceReclaimed });
  });
}
