// What a build is asked to do: the settings of Docker's POST /build, parsed from its query string.
import { EngineError } from '../errors.js';

/**
 * One build. `dockerfile` is a path inside the context (default "Dockerfile"); `tags` are references to put on the
 * result; `buildArgs` override ARG defaults (a null value takes the value from berthd's environment, as Docker
 * does); `target` names the stage to stop at (default the last); `labels` are added to the result;
 * `sourceDateEpoch` fixes image and layer times (from the SOURCE_DATE_EPOCH build arg); `pinnedFrom` maps a FROM
 * reference to the one a lock file pinned it to (`node:20` → `node@sha256:...`), berth's own parameter.
 */
export interface BuildOptions {
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string | null>;
  target?: string;
  labels: Record<string, string>;
  noCache: boolean;
  pull: boolean;
  networkMode: string;
  remove: boolean;
  forceRemove: boolean;
  quiet: boolean;
  sourceDateEpoch?: number;
  pinnedFrom: Record<string, string>;
}

export function buildOptionsFromQuery(q: URLSearchParams): BuildOptions {
  const truthy = (v: string | null): boolean => v === '1' || v === 'true';
  const buildArgs = jsonObject(q.get('buildargs'), 'buildargs') as Record<string, string | null>;
  const epochText = buildArgs.SOURCE_DATE_EPOCH ?? undefined;
  let sourceDateEpoch: number | undefined;
  if (epochText !== undefined && epochText !== null) {
    sourceDateEpoch = Number(epochText);
    if (!Number.isInteger(sourceDateEpoch) || sourceDateEpoch < 0) {
      throw new EngineError('invalid', 'ENGINE_BUILD_OPTIONS', `SOURCE_DATE_EPOCH "${epochText}" is not a Unix time`, {
        hint: 'give whole seconds since 1970, e.g. $(git log -1 --format=%ct)',
      });
    }
  }
  return {
    dockerfile: q.get('dockerfile') || 'Dockerfile',
    tags: q.getAll('t').filter((t) => t !== ''),
    buildArgs,
    target: q.get('target') || undefined,
    labels: jsonObject(q.get('labels'), 'labels') as Record<string, string>,
    noCache: truthy(q.get('nocache')),
    pull: truthy(q.get('pull')),
    networkMode: q.get('networkmode') || 'default',
    remove: q.get('rm') === null || truthy(q.get('rm')),
    forceRemove: truthy(q.get('forcerm')),
    quiet: truthy(q.get('q')),
    sourceDateEpoch,
    pinnedFrom: jsonObject(q.get('pinnedfrom'), 'pinnedfrom') as Record<string, string>,
  };
}

function jsonObject(text: string | null, what: string): Record<string, unknown> {
  if (text === null || text === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new EngineError('invalid', 'ENGINE_BUILD_OPTIONS', `the ${what} parameter is not a JSON object`, {
    hint: `send ${what} as JSON, e.g. {"KEY":"value"}`,
  });
}
