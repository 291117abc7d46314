// POST /build from the client side: a context tar in, the engine's JSON progress lines out, the built image's ID
// back. Works against berthd and against dockerd's classic builder alike.
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import { CLIENT_API_VERSION, type EngineClient } from './engine-client.js';
import { unixRequestOptions } from './endpoint.js';

/** One build request, in the terms of Docker's /build parameters. */
export interface BuildRequest {
  context: Readable; // a tar of the build context
  dockerfile: string; // its path inside the context
  tags: string[];
  buildArgs?: Record<string, string>;
  target?: string;
  labels?: Record<string, string>;
  noCache?: boolean;
  pull?: boolean;
  networkMode?: string;
}

/** Runs the build; `onLine` gets each progress text the engine sends. Fails with CLI_BUILD_FAILED and its message. */
export async function buildImage(
  client: EngineClient,
  req: BuildRequest,
  onLine: (text: string) => void,
  signal?: AbortSignal,
): Promise<string> {
  const q = new URLSearchParams();
  q.set('dockerfile', req.dockerfile);
  for (const t of req.tags) q.append('t', t);
  if (req.buildArgs) q.set('buildargs', JSON.stringify(req.buildArgs));
  if (req.labels) q.set('labels', JSON.stringify(req.labels));
  if (req.target) q.set('target', req.target);
  if (req.noCache) q.set('nocache', '1');
  if (req.pull) q.set('pull', '1');
  if (req.networkMode) q.set('networkmode', req.networkMode);
  q.set('rm', '1');
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const r = request(
      {
        ...unixRequestOptions(client.socketPath),
        method: 'POST',
        path: `/v${CLIENT_API_VERSION}/build?${q.toString()}`,
        headers: { 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' },
        signal,
      },
      resolve,
    );
    r.on('error', (e) => reject(new BerthError('ENGINE_UNREACHABLE', `the build request failed: ${e.message}`)));
    req.context.on('error', (e) => r.destroy(e));
    req.context.pipe(r);
  });
  let id: string | undefined;
  let error: string | undefined;
  let pending = '';
  const status = res.statusCode ?? 0;
  for await (const chunk of res) {
    pending += (chunk as Buffer).toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line === '') continue;
      let msg: {
        stream?: string;
        aux?: { ID?: string };
        error?: string;
        message?: string;
        errorDetail?: { message?: string };
      };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        onLine(`${line}\n`);
        continue;
      }
      if (msg.stream !== undefined) onLine(msg.stream);
      if (msg.aux?.ID) id = msg.aux.ID;
      if (msg.error !== undefined || msg.errorDetail?.message !== undefined)
        error = msg.errorDetail?.message ?? msg.error;
      if (status >= 400 && msg.message !== undefined) error = msg.message;
    }
  }
  if (status >= 400 && error === undefined) error = `${pending.trim() || `HTTP ${status}`}`;
  if (error !== undefined) {
    const [message = error, ...rest] = error.split('\nhint: ');
    throw new BerthError('CLI_BUILD_FAILED', message, { hint: rest.join('\nhint: ') || undefined });
  }
  if (id === undefined) {
    // dockerd's classic builder sends the ID only as "Successfully built <short id>" on older API versions.
    throw new BerthError('CLI_BUILD_FAILED', 'the engine did not say which image it built', {
      hint: 'the build may have been cut short; run it again',
    });
  }
  return id;
}
