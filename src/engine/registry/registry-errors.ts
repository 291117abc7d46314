// A registry's failures as berthd's errors, always naming the registry and giving its reason: DNS, connection or
// TLS from the transport, or the status and the registry's own message (distribution's `{"errors":[...]}` body).
import { EngineError } from '../errors.js';
import { NetworkError, readAll } from './http-transport.js';
import type { HttpResponse } from './http-transport.js';

export function unreachable(registry: string, e: unknown): EngineError {
  const reason = e instanceof Error ? e.message : String(e);
  const tls = e instanceof NetworkError && (e.code === 'ETLS' || /TLS/.test(e.message));
  return new EngineError(
    'unavailable',
    'ENGINE_REGISTRY_UNREACHABLE',
    `registry ${registry} is unreachable: ${reason}`,
    {
      hint: tls
        ? `put the registry's CA in certs.d/${registry}/ca.crt under berthd's config folder, or list it in insecure-registries`
        : 'check the registry address and that berthd can reach it',
      cause: e,
    },
  );
}

/** The error for a registry's non-2xx answer; `what` says what was asked (`manifest of localhost:5000/a:1`). */
export async function fromResponse(registry: string, res: HttpResponse, what: string): Promise<EngineError> {
  const text = await readAll(res.body, 64 << 10).then(
    (b) => b.toString('utf8'),
    () => '',
  );
  const message = registryMessage(text) || `${res.status}`;
  if (res.status === 401) {
    return new EngineError(
      'invalid',
      'ENGINE_REGISTRY_UNAUTHORIZED',
      `${registry}: unauthorized: ${message} (${what})`,
      {
        hint: `log in first: docker login ${registry}`,
      },
    );
  }
  if (res.status === 403) {
    return new EngineError('invalid', 'ENGINE_REGISTRY_DENIED', `${registry}: denied: ${message} (${what})`, {
      hint: 'the credentials in use have no access to this repository',
    });
  }
  if (res.status === 404) {
    return new EngineError('not-found', 'ENGINE_REGISTRY_NOT_FOUND', `${registry}: not found: ${message} (${what})`, {
      hint: 'check the repository name and tag, and that you are logged in if it is private',
    });
  }
  return new EngineError(
    'unavailable',
    'ENGINE_REGISTRY_ERROR',
    `${registry} answered ${res.status}: ${message} (${what})`,
  );
}

/** `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}` → `manifest unknown`. */
export function registryMessage(body: string): string {
  try {
    const doc = JSON.parse(body) as { errors?: Array<{ message?: string; code?: string }>; details?: string };
    if (Array.isArray(doc.errors) && doc.errors.length > 0) {
      return doc.errors.map((e) => e.message || e.code || '').join('; ');
    }
    if (typeof doc.details === 'string') return doc.details;
  } catch {
    // not JSON: some proxies answer with text or HTML
  }
  return body.trim().slice(0, 200);
}
