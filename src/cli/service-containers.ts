// Which container of a service a command acts on, chosen as Compose does (pkg/compose/containers.go): by the
// project and service labels, running ones unless stopped ones are asked for, replicas by number, one-off
// (`run`) containers after them; and the errors Compose gives when there is none.
import { isOneoff, projectContainers } from '../client/observe.js';
import type { ContainerSummary, EngineClient } from '../client/types.js';
import { BerthError } from '../errors.js';
import { LABEL } from '../planner/labels.js';
import { compareText } from '../compare-text.js';

export interface ContainerQuery {
  services?: readonly string[];
  /** Stopped containers too (Compose's `stopped` argument). */
  stopped?: boolean;
  /** One-off containers: left out by default. */
  oneoff?: 'include' | 'exclude';
  /** Only the replica with this com.docker.compose.container-number. */
  number?: number;
}

const numberOf = (c: ContainerSummary): number => Number(c.labels[LABEL.number] ?? '0') || 0;

/** The project's containers that match, replicas by number first, then one-off containers. */
export async function findContainers(
  client: EngineClient,
  project: string,
  query: ContainerQuery,
): Promise<ContainerSummary[]> {
  const list = await projectContainers(client, project, {
    services: query.services,
    running: query.stopped !== true,
    oneoff: query.oneoff === 'include' ? 'include' : 'exclude',
    number: query.number,
  });
  return list.sort((a, b) => {
    if (isOneoff(a) || isOneoff(b)) return Number(isOneoff(a)) - Number(isOneoff(b));
    return numberOf(a) - numberOf(b) || compareText(a.name, b.name);
  });
}

/** The container `exec` and `cp --index` act on: replica `index` (0 means the first), else Compose's error. */
export async function specifiedContainer(
  client: EngineClient,
  project: string,
  service: string,
  opts: { index: number; stopped: boolean; oneoff: 'include' | 'exclude' },
): Promise<ContainerSummary> {
  const found = await findContainers(client, project, {
    services: [service],
    stopped: opts.stopped,
    oneoff: opts.oneoff,
    number: opts.index > 0 ? opts.index : undefined,
  });
  const first = found[0];
  if (first) return first;
  const which = opts.index > 0 ? ` container #${opts.index}` : '';
  throw new BerthError('CLI_SERVICE_NOT_RUNNING', `service "${service}" is not running${which}`, {
    hint: `start it with: berth up -d ${service}`,
  });
}

/** `--index N` as a number: a positive integer, or 0 when not given. */
export function parseIndex(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) {
    throw new BerthError('CLI_BAD_INDEX', `--index ${value}: expected a container number`, { hint: 'e.g. --index 2' });
  }
  return Number(value);
}
