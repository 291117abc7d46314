// `docker cp` over the Engine API: HEAD (stat), GET (a tar of a path) and PUT (extract a tar into a folder) on
// /containers/{id}/archive. The stat of a path comes as base64 JSON in X-Docker-Container-Path-Stat.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { EngineError, isEngineError } from '../errors.js';
import type { ContainerPathStat } from '../types.js';
import type { DockerTransport } from './transport.js';

const archiveOf = (ref: string): string => `/containers/${encodeURIComponent(ref)}/archive`;

/** The stat of `path` in the container, or undefined when it does not exist. */
export async function statPath(t: DockerTransport, ref: string, path: string): Promise<ContainerPathStat | undefined> {
  try {
    const res = await t.ok('HEAD', archiveOf(ref), { query: { path } });
    res.resume();
    return decodeStat(res);
  } catch (e) {
    // A HEAD answer has no body: a 404 for a missing container and one for a missing path look alike, as in
    // the docker CLI; the container was found by the caller before.
    if (isEngineError(e, 'not-found')) return undefined;
    throw e;
  }
}

/** A tar of `path` (named by its base name, folders recursively) and the path's stat. */
export async function getArchive(
  t: DockerTransport,
  ref: string,
  path: string,
): Promise<{ stat: ContainerPathStat; tar: Readable }> {
  const res = await t.ok('GET', archiveOf(ref), { query: { path } });
  return { stat: decodeStat(res), tar: res };
}

/** Extracts the tar into the folder `path` of the container (which must exist). */
export async function putArchive(
  t: DockerTransport,
  ref: string,
  opts: { path: string; tar: Readable; copyUIDGID?: boolean },
): Promise<void> {
  await t.empty('PUT', archiveOf(ref), {
    query: { path: opts.path, noOverwriteDirNonDir: 'true', copyUIDGID: opts.copyUIDGID ? 'true' : undefined },
    body: opts.tar,
  });
}

function decodeStat(res: IncomingMessage): ContainerPathStat {
  const header = res.headers['x-docker-container-path-stat'];
  const text = Buffer.from(String(header ?? ''), 'base64').toString('utf8');
  try {
    return JSON.parse(text) as ContainerPathStat;
  } catch {
    throw new EngineError(
      'internal',
      'ENGINE_BAD_ANSWER',
      'the engine sent no stat of the path (X-Docker-Container-Path-Stat)',
    );
  }
}
