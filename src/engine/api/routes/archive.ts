// /containers/{id}/archive (docker cp): translate HTTP to the container archive functions and back.
import tar from 'tar-stream';
import { EngineError } from '../../errors.js';
import { extractInto, mountedRootfs, packPath, resolveInRoot, statInRoot } from '../../containers/archive.js';
import type { Lifecycle } from '../../containers/lifecycle.js';
import type { ApiRouter, Request } from '../server.js';

const truthy = (v: string | null): boolean => v === '1' || v === 'true' || v === 'True';

export function archiveRoutes(router: ApiRouter, lifecycle: Lifecycle): void {
  const { store } = lifecycle.deps;

  // HEAD comes here too: Node leaves out the body, and the header is all a HEAD asks for.
  router.on('GET', '/containers/{id}/archive', async (req, res) => {
    const c = store.get(req.params.id as string);
    const root = await mountedRootfs(lifecycle, c);
    const found = await statInRoot(root, pathOf(req), req.params.id as string);
    const header = Buffer.from(JSON.stringify(found.stat)).toString('base64');
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'X-Docker-Container-Path-Stat': header, 'Content-Type': 'application/x-tar' }).end();
      return;
    }
    res.writeHead(200, { 'X-Docker-Container-Path-Stat': header, 'Content-Type': 'application/x-tar' });
    const pack = tar.pack();
    pack.pipe(res);
    try {
      await packPath(pack, found.host, found.stat.name === '/' ? '.' : found.stat.name);
      pack.finalize();
    } catch (e) {
      pack.destroy(e as Error);
      res.destroy(); // a truncated tar must not look complete
    }
  });

  router.on('PUT', '/containers/{id}/archive', async (req, res) => {
    const c = store.get(req.params.id as string);
    const root = await mountedRootfs(lifecycle, c);
    const path = pathOf(req);
    const target = await resolveInRoot(root, path, true);
    const found = await statInRoot(root, target.path, req.params.id as string);
    if (found.stat.mode < 2 ** 31) {
      throw new EngineError('invalid', 'ENGINE_NOT_A_DIRECTORY', `extraction point is not a directory: ${path}`);
    }
    await extractInto(req.raw, target.host, { noOverwriteDirNonDir: truthy(req.query.get('noOverwriteDirNonDir')) });
    res.writeHead(200).end();
  });
}

function pathOf(req: Request): string {
  const path = req.query.get('path');
  if (!path) throw new EngineError('invalid', 'ENGINE_NO_PATH', 'path is required');
  return path.startsWith('/') ? path : `/${path}`;
}
