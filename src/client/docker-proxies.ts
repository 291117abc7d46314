// The docker CLI's proxy settings ("proxies" in <config>/config.json, <config> being DOCKER_CONFIG or ~/.docker),
// given to builds as the docker CLI gives them: as the predefined proxy build args, upper and lower case, never
// over an arg the user gave. berthd keeps them out of the image's history and of the cache key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const KEYS: ReadonlyArray<[string, string]> = [
  ['httpProxy', 'HTTP_PROXY'],
  ['httpsProxy', 'HTTPS_PROXY'],
  ['noProxy', 'NO_PROXY'],
  ['ftpProxy', 'FTP_PROXY'],
  ['allProxy', 'ALL_PROXY'],
];

/**
 * The build args for `config` (config.json, parsed): the proxies of the entry named `host` if there is one, else
 * of "default", added to `given` where it has neither the upper- nor the lower-case name set.
 */
export function withProxyArgs(
  given: Readonly<Record<string, string>>,
  config: unknown,
  host?: string,
): Record<string, string> {
  const proxies = (config as { proxies?: Record<string, Record<string, unknown>> } | null)?.proxies;
  const entry = (host !== undefined ? proxies?.[host] : undefined) ?? proxies?.default;
  const out = { ...given };
  if (entry === undefined || entry === null || typeof entry !== 'object') return out;
  for (const [field, name] of KEYS) {
    const value = entry[field];
    if (typeof value !== 'string' || value === '') continue;
    if (!(name in out)) out[name] = value;
    if (!(name.toLowerCase() in out)) out[name.toLowerCase()] = value;
  }
  return out;
}

/** config.json of the docker CLI, parsed; undefined when it is missing or not JSON (the docker CLI warns and goes on). */
export function readDockerConfig(env: Readonly<Record<string, string | undefined>>): unknown {
  const dir = env.DOCKER_CONFIG ?? join(env.HOME ?? '/root', '.docker');
  try {
    return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
