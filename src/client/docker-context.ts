// Docker CLI contexts, read as the docker CLI stores them: the current one in <config>/config.json
// ("currentContext"), each one in <config>/contexts/meta/<sha256 of its name>/meta.json with its docker endpoint.
// <config> is DOCKER_CONFIG, else ~/.docker. Read-only: berth never changes the docker CLI's files.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';

/** How context files are read; the real file system unless a test gives its own. */
export interface ContextFiles {
  read(path: string): string | undefined;
  list(dir: string): string[];
}

const realFiles: ContextFiles = {
  read: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string } };
}

/**
 * The docker endpoint (e.g. unix:///var/run/docker.sock) of context `name`; without a name, of the current
 * context, or undefined when there is none (or it is "default"). A named context that does not exist is
 * CLI_NO_SUCH_CONTEXT, listing the ones that do.
 */
export function resolveContext(
  name: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  files: ContextFiles = realFiles,
): string | undefined {
  const dir = env.DOCKER_CONFIG ?? join(env.HOME ?? '/root', '.docker');
  let wanted = name;
  if (wanted === undefined) {
    const text = files.read(join(dir, 'config.json'));
    if (text === undefined) return undefined;
    try {
      wanted = (JSON.parse(text) as { currentContext?: string }).currentContext;
    } catch {
      return undefined; // the docker CLI reports its own config's errors
    }
    if (!wanted || wanted === 'default') return undefined;
  }
  const hash = createHash('sha256').update(wanted).digest('hex');
  const meta = readMeta(files, join(dir, 'contexts', 'meta', hash, 'meta.json'));
  const host = meta?.Endpoints?.docker?.Host;
  if (host) return host;
  const known = files
    .list(join(dir, 'contexts', 'meta'))
    .map((h) => readMeta(files, join(dir, 'contexts', 'meta', h, 'meta.json'))?.Name)
    .filter((n): n is string => typeof n === 'string')
    .sort();
  throw new BerthError('CLI_NO_SUCH_CONTEXT', `context "${wanted}" does not exist`, {
    hint: `the contexts are: default${known.length > 0 ? `, ${known.join(', ')}` : ''} (docker context ls)`,
  });
}

function readMeta(files: ContextFiles, path: string): ContextMeta | undefined {
  const text = files.read(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as ContextMeta;
  } catch {
    return undefined;
  }
}
