// GET /containers/json's selection: which containers a list shows, in which order, as dockerd does.
import { compareText } from '../../compare-text.js';
import { matchesLabels } from '../filters.js';
import type { ContainerRecord, ContainerStore } from './container-store.js';
import { healthFilterValue } from './health-config.js';

/**
 * What to list: `all` includes containers that are not running; `filters` are Docker's (label, name, id, status,
 * exited, ancestor, health), every one of them must match; `limit` keeps the newest that many (0 or less: all).
 */
export interface ContainerQuery {
  all: boolean;
  filters: Map<string, string[]>;
  limit: number;
}

/** The containers the query selects, newest first. */
export function listContainers(store: ContainerStore, query: ContainerQuery): ContainerRecord[] {
  const list = store
    .all()
    .filter((c) => (query.all || c.state.Running || c.state.Restarting) && matchesContainer(c, query.filters));
  list.sort((a, b) => compareText(b.created, a.created));
  return query.limit > 0 ? list.slice(0, query.limit) : list;
}

/** True when `c` passes every filter; a filter this engine does not know passes, as with dockerd 20.10. */
export function matchesContainer(c: ContainerRecord, filters: Map<string, string[]>): boolean {
  for (const [name, values] of filters) {
    if (values.length === 0) continue;
    const labels = (c.config.Labels as Record<string, string> | undefined) ?? {};
    const ok =
      name === 'label'
        ? matchesLabels(labels, values)
        : name === 'name'
          ? values.some((v) => new RegExp(v.replace(/^\//, '')).test(c.name))
          : name === 'id'
            ? values.some((v) => c.id.startsWith(v))
            : name === 'status'
              ? values.includes(c.state.Status)
              : name === 'exited'
                ? c.state.Status === 'exited' && values.includes(String(c.state.ExitCode))
                : name === 'ancestor'
                  ? values.includes(c.image) || values.includes(c.imageId)
                  : name === 'health'
                    ? values.includes(healthFilterValue(c.state.Health))
                    : true;
    if (!ok) return false;
  }
  return true;
}
