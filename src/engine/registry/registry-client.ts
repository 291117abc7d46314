// A session with one registry: finds the endpoint that answers `/v2/` (HTTPS, or plain HTTP where allowed), learns
// its auth challenge, and sends requests with the right Authorization: none, basic, or a bearer token per scope
// (cached; fetched again once when the registry refuses a cached one).
import { EngineError } from '../errors.js';
import { type Challenge, parseChallenge } from './challenge.js';
import { type Endpoint, type RegistryConfig, endpointsFor } from './endpoints.js';
import { type HttpRequest, type HttpResponse, NetworkError, isNotTls, readAll, send } from './http-transport.js';
import { fromResponse, unreachable } from './registry-errors.js';
import { TokenCache } from './token-cache.js';

/** What `X-Registry-Auth` or `POST /auth` carries (the docker CLI's AuthConfig). */
export interface Credentials {
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface ClientOptions {
  /** The registry as a reference names it: docker.io, localhost:5000, ghcr.io. */
  registry: string;
  config: RegistryConfig;
  credentials?: Credentials;
  tokens?: TokenCache;
}

export interface RegistryRequest {
  method: string;
  /** Path below the endpoint, e.g. `/v2/library/busybox/manifests/latest`, or an absolute URL (upload locations). */
  path: string;
  /** The token scope, e.g. `repository:library/busybox:pull`. */
  scope?: string;
  headers?: Record<string, string>;
  body?: HttpRequest['body'];
  retries?: number;
}

export class RegistryClient {
  readonly registry: string;
  readonly #endpoint: Endpoint;
  readonly #challenge: Challenge;
  readonly #credentials: Credentials | undefined;
  readonly #tokens: TokenCache;

  private constructor(opts: ClientOptions, endpoint: Endpoint, challenge: Challenge) {
    this.registry = opts.registry;
    this.#endpoint = endpoint;
    this.#challenge = challenge;
    this.#credentials = hasCredentials(opts.credentials) ? opts.credentials : undefined;
    this.#tokens = opts.tokens ?? new TokenCache();
  }

  /** Pings the registry's endpoints in order and keeps the first that answers as a v2 registry. */
  static async connect(opts: ClientOptions): Promise<RegistryClient> {
    let last: unknown;
    for (const endpoint of endpointsFor(opts.registry, opts.config)) {
      try {
        const { endpoint: answered, challenge } = await ping(endpoint, opts.registry);
        return new RegistryClient(opts, answered, challenge);
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }

  get base(): URL {
    return this.#endpoint.base;
  }

  /** Sends with authorization; a 401 on a cached token fetches a new one once. Non-2xx answers are returned. */
  async request(req: RegistryRequest): Promise<HttpResponse> {
    const url = new URL(req.path, this.#endpoint.base);
    const auth = await this.#authorization(req.scope, false);
    let res = await this.#send(req, url, auth);
    if (res.status === 401 && this.#challenge.scheme === 'bearer') {
      res.body.resume();
      res = await this.#send(req, url, await this.#authorization(req.scope, true));
    }
    return res;
  }

  /** Like request, but a non-2xx answer becomes the registry's error about `what`. */
  async expectOk(req: RegistryRequest, what: string): Promise<HttpResponse> {
    const res = await this.request(req);
    if (res.status >= 200 && res.status < 300) return res;
    throw await fromResponse(this.registry, res, what);
  }

  /** Checks that the credentials are accepted (docker login): basic on /v2/, or a token for no particular scope. */
  async checkLogin(): Promise<void> {
    if (this.#challenge.scheme === 'bearer') {
      await this.#authorization(undefined, true);
      return;
    }
    await this.expectOk({ method: 'GET', path: '/v2/' }, 'login');
  }

  async #send(req: RegistryRequest, url: URL, auth: string | undefined): Promise<HttpResponse> {
    try {
      return await send({
        method: req.method,
        url,
        headers: { ...req.headers, ...(auth === undefined ? {} : { Authorization: auth }) },
        ...(req.body === undefined ? {} : { body: req.body }),
        tls: this.#endpoint.tls,
        ...(req.retries === undefined ? {} : { retries: req.retries }),
      });
    } catch (e) {
      throw unreachable(this.registry, e);
    }
  }

  async #authorization(scope: string | undefined, fresh: boolean): Promise<string | undefined> {
    const c = this.#challenge;
    const creds = this.#credentials;
    if (c.scheme === 'basic') return creds === undefined ? undefined : basic(creds);
    if (c.scheme !== 'bearer') return undefined;
    if (creds?.registrytoken) return `Bearer ${creds.registrytoken}`;
    const key = TokenCache.key({ realm: c.realm, service: c.service, scope: scope ?? '', user: creds?.username });
    const cached = fresh ? undefined : this.#tokens.get(key);
    if (cached !== undefined) return `Bearer ${cached}`;
    const url = new URL(c.realm);
    if (c.service !== undefined) url.searchParams.set('service', c.service);
    if (scope !== undefined) url.searchParams.set('scope', scope);
    if (creds?.username) url.searchParams.set('account', creds.username);
    let res: HttpResponse;
    try {
      res = await send({
        method: 'GET',
        url,
        headers: creds === undefined ? {} : { Authorization: basic(creds) },
        tls: this.#endpoint.tls,
      });
    } catch (e) {
      throw unreachable(`${this.registry} (token server ${url.host})`, e);
    }
    if (res.status !== 200) throw await fromResponse(this.registry, res, `token from ${url.host}`);
    const doc = JSON.parse((await readAll(res.body)).toString('utf8')) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = doc.token ?? doc.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new EngineError(
        'unavailable',
        'ENGINE_REGISTRY_ERROR',
        `token server ${url.host} answered without a token`,
      );
    }
    this.#tokens.put(key, token, doc.expires_in);
    return `Bearer ${token}`;
  }
}

async function ping(endpoint: Endpoint, registry: string): Promise<{ endpoint: Endpoint; challenge: Challenge }> {
  const attempt = async (e: Endpoint): Promise<{ endpoint: Endpoint; challenge: Challenge }> => {
    const res = await send({ method: 'GET', url: new URL('/v2/', e.base), tls: e.tls, retries: 1, timeoutMs: 10_000 });
    res.body.resume();
    if (res.status === 200) return { endpoint: e, challenge: { scheme: 'none' } };
    if (res.status === 401) return { endpoint: e, challenge: parseChallenge(res.headers['www-authenticate']) };
    throw new EngineError(
      'unavailable',
      'ENGINE_REGISTRY_ERROR',
      `${registry} is not a registry (GET /v2/ answered ${res.status})`,
      { hint: 'registries speak the distribution API v2 under /v2/' },
    );
  };
  try {
    return await attempt(endpoint);
  } catch (e) {
    if (!(e instanceof NetworkError)) throw e;
    if (!endpoint.plainHttpFallback || !isNotTls(e)) throw unreachable(registry, e);
    const plain = { ...endpoint, base: new URL(`http://${endpoint.base.host}/`) };
    try {
      return await attempt(plain);
    } catch (e2) {
      throw e2 instanceof NetworkError ? unreachable(registry, e2) : e2;
    }
  }
}

function hasCredentials(c: Credentials | undefined): boolean {
  return c !== undefined && Boolean(c.username || c.password || c.identitytoken || c.registrytoken);
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}
