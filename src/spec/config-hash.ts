// The per-service configuration hash: sha256 over canonical JSON (sorted keys) of the normalized service, leaving
// out what does not need a new container (as Compose's ServiceHash does: build, pull_policy, scale,
// deploy.replicas, depends_on, profiles; and develop, which only drives `watch`). Because it is taken on the
// model, key order, comments, anchors and how the stack is split across files do not change it.
import { createHash } from 'node:crypto';
import type { Service } from './model.js';
import { compareText } from '../compare-text.js';

const IGNORED = new Set(['build', 'pull_policy', 'scale', 'depends_on', 'profiles', 'develop']);

function hashedPart(service: Service): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(service)) if (!IGNORED.has(k)) copy[k] = v;
  if (copy.deploy && typeof copy.deploy === 'object') {
    const { replicas: _ignored, ...deploy } = copy.deploy as Record<string, unknown>;
    copy.deploy = deploy;
  }
  return copy;
}

export function serviceConfigHash(service: Service): string {
  return createHash('sha256')
    .update(canonicalJson(hashedPart(service)))
    .digest('hex');
}

/**
 * A short hash (12 hex) per top-level key of the hashed part of the service: kept on the container, it lets a
 * later plan name the keys whose change makes a new container necessary.
 */
export function serviceKeyHashes(service: Service): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(hashedPart(service)).sort(([a], [b]) => compareText(a, b))) {
    if (v !== undefined) out[k] = createHash('sha256').update(canonicalJson(v)).digest('hex').slice(0, 12);
  }
  return out;
}

/** JSON with object keys sorted at every level and undefined values left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
