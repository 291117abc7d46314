// The `WWW-Authenticate` header of a registry's 401 answer (distribution's auth challenge): which scheme it wants
// and, for bearer, where to get a token. Pure.

/** What a registry asked for. `scope` is the one it named (for one request); callers may ask for a wider one. */
export type Challenge =
  | { scheme: 'none' }
  | { scheme: 'basic'; realm?: string }
  | { scheme: 'bearer'; realm: string; service?: string; scope?: string };

/** Parses `Bearer realm="https://auth/token",service="registry",scope="repository:a:pull"` and `Basic realm=...`. */
export function parseChallenge(header: string | undefined): Challenge {
  if (header === undefined || header.trim() === '') return { scheme: 'none' };
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  const scheme = (m?.[1] ?? '').toLowerCase();
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let p = re.exec(m?.[2] ?? ''); p !== null; p = re.exec(m?.[2] ?? '')) {
    params[(p[1] as string).toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  if (scheme === 'bearer' && params.realm !== undefined) {
    return {
      scheme: 'bearer',
      realm: params.realm,
      ...(params.service === undefined ? {} : { service: params.service }),
      ...(params.scope === undefined ? {} : { scope: params.scope }),
    };
  }
  if (scheme === 'basic') return { scheme: 'basic', ...(params.realm === undefined ? {} : { realm: params.realm }) };
  return { scheme: 'none' };
}
