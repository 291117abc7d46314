// `docker cp` over the Engine API: HEAD (stat), GET (a tar of a path) and PUT (extract a tar into a folder) on
// /containers/{id}/archive. The stat of a path comes base64 JSON in X-Docker-Container-Path-Stat.
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import type { EngineClient } from './engine-client.js';
import { CLIENT_API_VERSION, EngineApiError } from './engine-client.js';
import { unixRequestOptions } from './endpoint.js';

/** A path in a container as the engine describes it; `mode` is a Go os.FileMode (folders have bit 31 set). */
export interface ContainerPathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;
export const isDirMode = (mode: number): boolean => Math.floor(mode / GO_MODE_DIR) % 2 === 1;
export const isSymlinkMode = (mode: number): boolean => Math.floor(mode / GO_MODE_SYMLINK) % 2 === 1;

/** The stat of `path` in the container, or undefined when it does not exist. */
export async function statContainerPath(
  client: EngineClient,
  id: string,
  path: string,
): Promise<ContainerPathStat | undefined> {
  const res = await client.raw('HEAD', `/containers/${id}/archive`, { query: { path } });
  res.resume();
  if (res.statusCode === 404) return undefined;
  if ((res.statusCode ?? 0) >= 400) throw new EngineApiError(res.statusCode ?? 0, `cannot stat ${path}`, 'stat');
  return decodeStat(res);
}

/** A tar of `path` (named by its base name, folders recursively) and the path's stat. */
export async function getContainerArchive(
  client: EngineClient,
  id: string,
  path: string,
): Promise<{ stat: ContainerPathStat; tar: IncomingMessage }> {
  const res = await client.raw('GET', `/containers/${id}/archive`, { query: { path } });
  if ((res.statusCode ?? 0) >= 400) throw await answerError(res, `GET /containers/${id}/archive`);
  return { stat: decodeStat(res), tar: res };
}

/** Extracts the tar `body` into the folder `path` of the container (which must exist). */
export function putContainerArchive(
  client: EngineClient,
  id: string,
  opts: { path: string; body: NodeJS.ReadableStream; copyUIDGID?: boolean },
): Promise<void> {
  const params = new URLSearchParams({ path: opts.path, noOverwriteDirNonDir: 'true' });
  if (opts.copyUIDGID) params.set('copyUIDGID', 'true');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...unixRequestOptions(client.socketPath),
        method: 'PUT',
        path: `/v${CLIENT_API_VERSION}/containers/${id}/archive?${params.toString()}`,
        headers: { 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' },
      },
      (res) => {
        if ((res.statusCode ?? 0) < 400) {
          res.resume();
          res.on('end', () => resolve());
          return;
        }
        answerError(res, `PUT /containers/${id}/archive`).then(reject, reject);
      },
    );
    req.on('error', (e) =>
      reject(new BerthError('ENGINE_UNREACHABLE', `the copy to the engine failed: ${e.message}`, { cause: e })),
    );
    (opts.body as Readable).on('error', (e: Error) => req.destroy(e));
    opts.body.pipe(req);
  });
}

function decodeStat(res: IncomingMessage): ContainerPathStat {
  const header = res.headers['x-docker-container-path-stat'];
  const text = Buffer.from(String(header ?? ''), 'base64').toString('utf8');
  try {
    return JSON.parse(text) as ContainerPathStat;
  } catch {
    throw new BerthError('ENGINE_BAD_ANSWER', 'the engine sent no stat of the path (X-Docker-Container-Path-Stat)');
  }
}

async function answerError(res: IncomingMessage, what: string): Promise<EngineApiError> {
  let text = '';
  for await (const chunk of res) text += String(chunk);
  let message = text.trim();
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return new EngineApiError(res.statusCode ?? 0, message || `HTTP ${res.statusCode}`, what);
}
