// References a service makes to other services' containers (`service:NAME` in network_mode, ipc, pid and
// volumes_from), resolved the way Compose's convergence.go resolveServiceReferences does: to the first replica.
import type { ContainerSpecInput } from './container-spec.js';

/** What the parts of a create request report while they are built; see CreateRequest. */
export interface SpecNotes {
  unsupported: string[];
  unresolved: string[];
}

export const DEFAULT_API_VERSION = '1.41';

/**
 * A `service:NAME` mode as `container:ID` of NAME's first replica; other modes pass as written.
 * An unresolved reference is noted under `key` and kept as written.
 */
export function resolveServiceMode(
  mode: string | undefined,
  key: string,
  input: ContainerSpecInput,
  notes: SpecNotes,
): string | undefined {
  if (!mode?.startsWith('service:')) return mode;
  const container = input.serviceContainer(mode.slice('service:'.length));
  if (container === undefined) {
    notes.unresolved.push(key);
    return mode;
  }
  return `container:${container}`;
}

/**
 * volumes_from entries as Compose resolveVolumeFrom leaves them: "container:NAME[:MODE]" becomes NAME and
 * "SERVICE[:MODE]" the id of SERVICE's first replica. The access mode is dropped, as Compose drops it.
 */
export function resolveVolumesFrom(entries: readonly string[], input: ContainerSpecInput, notes: SpecNotes): string[] {
  const out: string[] = [];
  entries.forEach((entry, i) => {
    const parts = entry.split(':');
    if (parts[0] === 'container') {
      out.push(parts[1] ?? '');
      return;
    }
    const container = input.serviceContainer(parts[0] ?? '');
    if (container === undefined) notes.unresolved.push(`volumes_from[${i}]`);
    else out.push(container);
  });
  return out;
}
