// Fetching and putting manifests. A fetched manifest is checked against the digest it was asked by (or that the
// registry states), so a tag can be trusted as far as the registry's own digest, and a digest reference fully.
import { type Digest, sha256Of } from '../content/digest.js';
import { EngineError } from '../errors.js';
import { readAll } from './http-transport.js';
import { ACCEPT_MANIFESTS, type Manifest, parseManifest } from './manifests.js';
import type { RegistryClient } from './registry-client.js';

export interface FetchedManifest {
  digest: Digest;
  bytes: Buffer;
  mediaType: string;
  manifest: Manifest;
}

/** GETs manifest `reference` (a tag or a digest) of `repo`. */
export async function fetchManifest(client: RegistryClient, repo: string, reference: string): Promise<FetchedManifest> {
  const where = `${client.registry}/${repo}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
  const res = await client.expectOk(
    {
      method: 'GET',
      path: `/v2/${repo}/manifests/${reference}`,
      scope: `repository:${repo}:pull`,
      headers: { Accept: ACCEPT_MANIFESTS },
    },
    `manifest of ${where}`,
  );
  const bytes = await readAll(res.body);
  const digest = sha256Of(bytes);
  const stated = res.headers['docker-content-digest'];
  const expected = reference.startsWith('sha256:') ? reference : typeof stated === 'string' ? stated : undefined;
  if (expected !== undefined && expected.startsWith('sha256:') && expected !== digest) {
    throw new EngineError(
      'invalid',
      'ENGINE_DIGEST_MISMATCH',
      `manifest of ${where} has digest "${digest}", expected "${expected}"`,
      { hint: 'the registry served different content than it stated; nothing was pulled' },
    );
  }
  const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined;
  const manifest = parseManifest(bytes, contentType, where);
  return { digest, bytes, mediaType: manifest.mediaType, manifest };
}

/** PUTs `bytes` as manifest `reference` of `repo` with its media type; returns its digest. */
export async function putManifest(
  client: RegistryClient,
  repo: string,
  reference: string,
  manifest: { bytes: Buffer; mediaType: string },
): Promise<Digest> {
  const res = await client.expectOk(
    {
      method: 'PUT',
      path: `/v2/${repo}/manifests/${reference}`,
      scope: `repository:${repo}:pull,push`,
      headers: { 'Content-Type': manifest.mediaType },
      body: manifest.bytes,
      retries: 1,
    },
    `manifest ${client.registry}/${repo}:${reference}`,
  );
  res.body.resume();
  return sha256Of(manifest.bytes);
}
