// POST /build: a context tar in, the engine's JSON progress lines out, the built image's ID back. Works against
// berthd and against dockerd's classic builder alike.
import { EngineError } from '../errors.js';
import type { BuildRequest, RegistryAuth } from '../types.js';
import type { DockerTransport, Query } from './transport.js';
import { jsonLines } from './transport.js';

/** The build's query: Docker's /build parameters. */
export function buildQuery(req: BuildRequest): Query {
  const json = (v: object | undefined): string | undefined => (v === undefined ? undefined : JSON.stringify(v));
  return {
    dockerfile: req.dockerfile,
    t: req.tags,
    buildargs: json(req.buildArgs),
    labels: json(req.labels),
    target: req.target,
    nocache: req.noCache ? '1' : undefined,
    pull: req.pull ? '1' : undefined,
    platform: req.platform,
    networkmode: req.network,
    extrahosts: req.extraHosts?.join(','),
    shmsize: req.shmSize,
    cachefrom: json(req.cacheFrom),
    pinnedfrom: json(req.pinnedFrom),
    rm: '1',
  };
}

/** Runs the build; a failed step rejects with ENGINE_BUILD_FAILED and the build's message (and berthd's hint). */
export async function dockerBuild(t: DockerTransport, req: BuildRequest): Promise<{ id: string }> {
  const headers = req.registryAuth ? { 'X-Registry-Config': encodeRegistryConfig(req.registryAuth) } : undefined;
  const res = await t.ok('POST', '/build', { query: buildQuery(req), body: req.context, headers, signal: req.signal });
  let id: string | undefined;
  let error: string | undefined;
  for await (const line of jsonLines(res)) {
    if (typeof line === 'string') {
      req.onProgress?.({ stream: `${line}\n` });
      continue;
    }
    const m = line as { stream?: string; aux?: { ID?: string }; error?: string; errorDetail?: { message?: string } };
    if (m.stream !== undefined) req.onProgress?.({ stream: m.stream });
    if (m.aux?.ID) id = m.aux.ID;
    if (m.error !== undefined || m.errorDetail?.message !== undefined) error = m.errorDetail?.message ?? m.error;
  }
  if (error !== undefined) {
    // berthd's build failures carry their hint on a line of its own, the way its build output prints it.
    const [message = error, ...rest] = error.split('\nhint: ');
    throw new EngineError('invalid', 'ENGINE_BUILD_FAILED', message, { hint: rest.join('\nhint: ') || undefined });
  }
  if (id === undefined) {
    // dockerd's classic builder sends the ID only as "Successfully built <short id>" on older API versions.
    throw new EngineError('internal', 'ENGINE_BUILD_FAILED', 'the engine did not say which image it built', {
      hint: 'the build may have been cut short; run it again',
    });
  }
  return { id };
}

function encodeRegistryConfig(auths: Readonly<Record<string, RegistryAuth>>): string {
  return Buffer.from(JSON.stringify(auths)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
