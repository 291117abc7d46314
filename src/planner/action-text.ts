// Compose's words for an action on its progress row (` Container shop-db-1  Recreate`, then `Recreated`), so the
// CLI's displays read as `docker compose up` reads. Pure.
import type { Action, ActionRow } from './action.js';

/** The word while the action runs. */
export function workingText(a: Action): string {
  switch (a.kind) {
    case 'pull':
      return 'Pulling';
    case 'create-network':
    case 'create-volume':
      return 'Creating';
    case 'create-container':
      return a.replaces === undefined ? 'Creating' : 'Recreate';
    case 'start':
      return 'Starting';
    case 'restart':
      return 'Restarting';
    case 'stop':
      return 'Stopping';
    case 'wait':
      return 'Waiting';
    case 'remove-container':
    case 'remove-network':
    case 'remove-volume':
      return 'Removing';
  }
}

/** The word once it is done. */
export function doneText(a: Action): string {
  switch (a.kind) {
    case 'pull':
      return 'Pulled';
    case 'create-network':
    case 'create-volume':
      return 'Created';
    case 'create-container':
      return a.replaces === undefined ? 'Created' : 'Recreated';
    case 'start':
    case 'restart':
      return 'Started';
    case 'stop':
      return 'Stopped';
    case 'wait':
      return a.condition === 'service_healthy' ? 'Healthy' : a.condition === 'service_started' ? 'Started' : 'Exited';
    case 'remove-container':
    case 'remove-network':
    case 'remove-volume':
      return 'Removed';
  }
}

/** The key of a row: the actions on one network, volume or container share it. */
export function rowKey(row: ActionRow): string {
  return `${row.resource}:${row.name}`;
}

/**
 * The rows a plan shows, each once, in plan order, then the unchanged containers. A wait shows on the rows of the
 * containers it waits for, which are in the plan already or unchanged.
 */
export function planRows(plan: {
  actions: readonly Action[];
  unchanged: ReadonlyArray<{ name: string }>;
}): Array<ActionRow & { id: string }> {
  const rows = new Map<string, ActionRow & { id: string }>();
  const add = (row: ActionRow): void => {
    const id = rowKey(row);
    if (!rows.has(id)) rows.set(id, { id, ...row });
  };
  for (const a of plan.actions) if (a.kind !== 'wait') add(a.row);
  for (const u of plan.unchanged) add({ resource: 'container', name: u.name });
  return [...rows.values()];
}
