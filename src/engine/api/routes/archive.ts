// /containers/{id}/archive (docker cp): translate HTTP to the container archive functions and back.
import tar from 'tar-stream';
import { EngineError } from '../../errors.js';
import { openView, packPath, statInView } from '../../containers/archive.js';
import { extractInto } from '../../containers/archive-extract.js';
import { ownerOf } from '../../containers/archive-owner.js';
import { checkWritable, resolveInView } from '../../containers/container-view.js';
import type { Lifecycle } from '../../containers/lifecycle.js';
import type { ApiRouter, Request } from '../server.js';

const truthy = (v: string | null): boolean => v === '1' || v === 'true' || v === 'True';

export function archiveRoutes(router: ApiRouter, lifecycle: Lifecycle): void {
  const { store } = lifecycle.deps;

  // HEAD comes here too: Node leaves out the body, and the header is all a HEAD asks for.
  router.on('GET', '/containers/{id}/archive', async (req, res) => {
    const ref = req.params.id as string;
    const { view, release } = await openView(lifecycle, store.get(ref), ref);
    const found = await statInView(view, pathOf(req)).catch(async (e: unknown) => {
      await release();
      throw e;
    });
    const header = Buffer.from(JSON.stringify(found.stat)).toString('base64');
    if (req.method === 'HEAD') {
      await release(); // before the answer, after which the client's PUT may open the same volumes
      res.writeHead(200, { 'X-Docker-Container-Path-Stat': header, 'Content-Type': 'application/x-tar' }).end();
      return;
    }
    res.writeHead(200, { 'X-Docker-Container-Path-Stat': header, 'Content-Type': 'application/x-tar' });
    const pack = tar.pack();
    pack.pipe(res);
    try {
      await packPath(pack, view, found, found.stat.name === '/' ? '.' : found.stat.name);
      pack.finalize();
    } catch (e) {
      pack.destroy(e as Error);
      res.destroy(); // a truncated tar must not look complete
    } finally {
      await release();
    }
  });

  router.on('PUT', '/containers/{id}/archive', async (req, res) => {
    const ref = req.params.id as string;
    const c = store.get(ref);
    const { view, release } = await openView(lifecycle, c, ref);
    try {
      const path = pathOf(req);
      const target = await resolveInView(view, path, true);
      const found = await statInView(view, target.path);
      if (found.stat.mode < 2 ** 31) {
        throw new EngineError('invalid', 'ENGINE_NOT_A_DIRECTORY', `extraction point is not a directory: ${path}`);
      }
      checkWritable(view, target.path);
      const owner = truthy(req.query.get('copyUIDGID')) ? await ownerOf(view, c.config.User) : undefined;
      await extractInto(req.raw, view, target, {
        noOverwriteDirNonDir: truthy(req.query.get('noOverwriteDirNonDir')),
        owner,
      });
    } finally {
      await release();
    }
    res.writeHead(200).end();
  });
}

function pathOf(req: Request): string {
  const path = req.query.get('path');
  if (!path) throw new EngineError('invalid', 'ENGINE_NO_PATH', 'path is required');
  return path.startsWith('/') ? path : `/${path}`;
}
