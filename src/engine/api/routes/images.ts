// /images/...: list, inspect, load, save, import, pull, push, tag, remove, history, prune. Pull and push stream
// dockerd's JSON progress; failures after the 200 status are sent in the stream as errorDetail lines.
import type { ServerResponse } from 'node:http';
import { EngineError } from '../../errors.js';
import type { ImageRecord, ImageStore } from '../../images/image-store.js';
import type { ImageService } from '../../images/image-service.js';
import { parseFilters } from '../../filters.js';
import { listImages } from '../../images/image-filters.js';
import { imageSummaryJson, inspectImageJson } from '../../images/image-json.js';
import { applyImportChanges } from '../../images/import-changes.js';
import { parseReference } from '../../images/reference.js';
import { type ProgressEvent, decodeRegistryAuth } from '../../images/registry-images.js';
import type { ApiRouter, Request } from '../server.js';
import { sendJson } from '../server.js';

const truthy = (v: string | null): boolean => v === '1' || v === 'true';

function need(images: ImageStore, ref: string): ImageRecord {
  const i = images.resolve(ref);
  if (!i) throw new EngineError('not-found', 'ENGINE_NO_SUCH_IMAGE', `No such image: ${ref}`);
  return i;
}

/** Sends progress lines; an error after the status line is the stream's last line, as dockerd ends a failed pull. */
async function streamProgress(
  res: ServerResponse,
  work: (send: (e: ProgressEvent & { aux?: unknown }) => void) => Promise<void>,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const send = (e: object): void => {
    if (!res.writableEnded) res.write(`${JSON.stringify(e)}\n`);
  };
  try {
    await work(send);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    send({ errorDetail: { message }, error: message });
  }
  res.end();
}

function registryAuth(req: Request): ReturnType<typeof decodeRegistryAuth> {
  const header = req.raw.headers['x-registry-auth'];
  return decodeRegistryAuth(typeof header === 'string' ? header : undefined);
}

export function imageRoutes(router: ApiRouter, service: ImageService): void {
  localRoutes(router, service);
  archiveRoutes(router, service);
  registryRoutes(router, service);
}

/** Listing, inspecting, tagging and removing the images of this engine. */
function localRoutes(router: ApiRouter, service: ImageService): void {
  const images = service.store;
  router.on('GET', '/images/json', (req, res) => {
    const query = { all: truthy(req.query.get('all')), filters: parseFilters(req.query.get('filters')) };
    sendJson(res, 200, listImages(images, query).map(imageSummaryJson));
  });

  router.on('GET', '/images/{name:.*}/json', (req, res) =>
    sendJson(res, 200, inspectImageJson(need(images, req.params.name as string))),
  );

  router.on('GET', '/images/{name:.*}/history', (req, res) =>
    sendJson(res, 200, images.history(req.params.name as string)),
  );

  router.on('POST', '/images/{name:.*}/tag', (req, res) => {
    const repo = req.query.get('repo') ?? '';
    const tag = req.query.get('tag') || 'latest';
    service.tag(req.params.name as string, `${repo}:${tag}`);
    res.writeHead(201).end();
  });

  router.on('DELETE', '/images/{name:.*}', async (req, res) => {
    const result = await service.remove(req.params.name as string, { force: truthy(req.query.get('force')) });
    sendJson(res, 200, [
      ...result.untagged.map((u) => ({ Untagged: u })),
      ...result.deleted.map((d) => ({ Deleted: d })),
    ]);
  });

  router.on('POST', '/images/prune', async (_req, res) => {
    const result = await images.prune({ dangling: true });
    sendJson(res, 200, result);
  });
}

/** docker load and docker save. */
function archiveRoutes(router: ApiRouter, service: ImageService): void {
  const images = service.store;
  router.on('POST', '/images/load', async (req, res) => {
    // Docker prints "Loaded image" in quiet mode too; quiet only hides progress, which berthd does not send.
    // The status is sent before the archive is read, as dockerd does, so a failure after it is reported in the
    // stream as an errorDetail line, which the docker CLI prints and exits non-zero on.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    try {
      for (const line of await service.load(req.raw)) {
        const label = line.startsWith('sha256:') ? `Loaded image ID: ${line}` : `Loaded image: ${line}`;
        res.write(`${JSON.stringify({ stream: `${label}\n` })}\n`);
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      res.write(`${JSON.stringify({ errorDetail: { message }, error: message })}\n`);
    }
    res.end();
  });

  router.on('GET', '/images/get', async (req, res) => {
    const refs = req.query.getAll('names');
    for (const r of refs) need(images, r);
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await images.save(refs, res);
  });

  router.on('GET', '/images/{name:.*}/get', async (req, res) => {
    need(images, req.params.name as string);
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await images.save([req.params.name as string], res);
  });
}

/** Pull (and docker import, which shares /images/create), push, login and the distribution inspect. */
function registryRoutes(router: ApiRouter, service: ImageService): void {
  const { store: images, registry } = service;
  router.on('POST', '/images/create', async (req, res) => {
    const fromSrc = req.query.get('fromSrc');
    if (fromSrc === '-') {
      const repo = req.query.get('repo');
      const tag = req.query.get('tag');
      const ref = repo ? `${repo}${tag ? `:${tag}` : ''}` : undefined;
      const changes = applyImportChanges(req.query.getAll('changes'));
      const image = await service.importRootfs(req.raw, {
        ref,
        message: req.query.get('message') ?? undefined,
        changes,
      });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify({ status: image.id })}\n`);
      return;
    }
    const from = req.query.get('fromImage') ?? '';
    const tag = req.query.get('tag') ?? '';
    const ref = tag === '' ? from : `${from}${tag.startsWith('sha256:') ? '@' : ':'}${tag}`;
    const credentials = registryAuth(req);
    parseReference(ref); // a bad reference is a 400 before the stream starts
    await streamProgress(res, async (send) => {
      const platform = req.query.get('platform') ?? undefined;
      const pulled = await service.pull({ ref, credentials, onProgress: send, ...(platform ? { platform } : {}) });
      send({ status: `Digest: ${pulled.digest}` });
      const verdict = pulled.updated ? 'Downloaded newer image for' : 'Image is up to date for';
      send({ status: `Status: ${verdict} ${pulled.name}` });
    });
  });

  router.on('POST', '/images/{name:.*}/push', async (req, res) => {
    const name = req.params.name as string;
    const tag = req.query.get('tag') ?? '';
    const credentials = registryAuth(req);
    if (tag !== '') need(images, `${name}:${tag}`); // dockerd answers 404 before any progress
    await streamProgress(res, (send) => service.push(name, tag, credentials, send));
  });

  router.on('GET', '/distribution/{name:.*}/json', async (req, res) => {
    sendJson(res, 200, await registry.distribution(req.params.name as string, registryAuth(req)));
  });

  router.on('POST', '/auth', async (req, res) => {
    const body = await req.json<{ username?: string; password?: string; serveraddress?: string }>();
    const credentials = {
      ...(body.username ? { username: body.username } : {}),
      ...(body.password ? { password: body.password } : {}),
    };
    await registry.login(body.serveraddress ?? '', credentials);
    sendJson(res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
  });
}
