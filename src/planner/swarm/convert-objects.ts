// The stack's networks, secrets and configs as the swarm objects a deploy needs. Secrets and configs are
// immutable in a swarm, so each is named by its content hash (STACK_key-<12 hex>): a changed file is a new
// object, the services that use it are updated to the new name (a rolling update), and the old one is removed
// once nothing uses it. `docker stack deploy` instead updates the object in place, which the engine refuses
// for a new content ("only updates to Labels are allowed").
import { createHash } from 'node:crypto';
import type { SwarmNetworkCreate, SwarmObjectCreate } from '../../client/swarm/types.js';
import { compareText } from '../../compare-text.js';
import type { Diagnostic } from '../../errors.js';
import type { Stack } from '../../spec/model.js';
import { NAMESPACE_LABEL } from './convert-service.js';

/** The content of each secret and config the stack defines (not external), base64, as the caller read it. */
export interface ObjectContents {
  secrets: Readonly<Record<string, string>>;
  configs: Readonly<Record<string, string>>;
}

export interface DesiredObjects {
  /** By key: the name services refer to (versioned, or the external name). */
  names: Record<string, string>;
  /** What to create if missing, by versioned name; external ones are not here. */
  creates: SwarmObjectCreate[];
}

export function desiredObjects(
  stack: Stack,
  kind: 'secrets' | 'configs',
  contents: Readonly<Record<string, string>>,
  used: ReadonlySet<string>,
  errors: Diagnostic[],
): DesiredObjects {
  const names: Record<string, string> = {};
  const creates: SwarmObjectCreate[] = [];
  for (const key of Object.keys(stack[kind]).sort(compareText)) {
    const top = stack[kind][key]!;
    if (top.external) {
      names[key] = top.name;
      continue;
    }
    const data = contents[key];
    if (data === undefined) {
      if (used.has(key)) {
        errors.push({
          code: 'PLAN_SWARM_NO_CONTENT',
          severity: 'error',
          message: `${kind.slice(0, -1)} "${key}" has no content: a swarm needs its file, environment or content`,
        });
      }
      continue;
    }
    const name = `${top.name}-${contentHash(data)}`;
    names[key] = name;
    if (used.has(key)) creates.push({ name, labels: { ...(top.labels ?? {}), [NAMESPACE_LABEL]: stack.name }, data });
  }
  return { names, creates };
}

/** 12 hex of the sha256 of the content: short enough for Docker's 64-character names, stable across runs. */
export function contentHash(base64: string): string {
  return createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex').slice(0, 12);
}

/** The stack's own networks that its services use, overlay unless the file says otherwise. */
export function desiredNetworks(stack: Stack, used: ReadonlySet<string>): SwarmNetworkCreate[] {
  const out: SwarmNetworkCreate[] = [];
  for (const key of [...used].sort(compareText)) {
    const n = stack.networks[key];
    if (!n || n.external) continue;
    const ipam = n.ipam?.config
      ? {
          ...(n.ipam.driver ? { driver: n.ipam.driver } : {}),
          config: n.ipam.config.map((c) => ({
            ...(typeof c.subnet === 'string' ? { subnet: c.subnet } : {}),
            ...(typeof c.gateway === 'string' ? { gateway: c.gateway } : {}),
            ...(typeof c.ip_range === 'string' ? { ipRange: c.ip_range } : {}),
          })),
        }
      : undefined;
    out.push({
      name: n.name,
      driver: n.driver ?? 'overlay',
      ...(n.attachable !== undefined ? { attachable: n.attachable } : {}),
      ...(n.internal !== undefined ? { internal: n.internal } : {}),
      ...(n.driver_opts ? { driverOpts: n.driver_opts } : {}),
      labels: { ...(n.labels ?? {}), [NAMESPACE_LABEL]: stack.name },
      ...(ipam ? { ipam } : {}),
    });
  }
  return out;
}
