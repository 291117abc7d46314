// Bearer tokens by realm, service, scope and user, reused until shortly before they expire (distribution's token
// spec: `expires_in` seconds, 60 when absent). One cache per berthd, shared by its pulls and pushes.

interface Entry {
  token: string;
  expiresAt: number;
}

export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  static key(parts: { realm: string; service?: string; scope: string; user?: string }): string {
    return JSON.stringify([parts.realm, parts.service ?? '', parts.scope, parts.user ?? '']);
  }

  /** A token that is still good for at least 10 s, if one is cached. */
  get(key: string): string | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt - 10_000 > this.#now()) return e.token;
    this.#entries.delete(key);
    return undefined;
  }

  put(key: string, token: string, expiresInSeconds: number | undefined): void {
    const seconds = typeof expiresInSeconds === 'number' && expiresInSeconds > 0 ? expiresInSeconds : 60;
    this.#entries.set(key, { token, expiresAt: this.#now() + seconds * 1000 });
  }

  drop(key: string): void {
    this.#entries.delete(key);
  }
}
