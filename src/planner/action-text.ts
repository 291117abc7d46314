// The words an action shows on its progress row (` Container shop-db-1  Recreating`, then `Started`), so the
// CLI's displays read as `docker compose up` reads. Pure.
import type { Action, ActionId, ActionRow } from './action.js';

/** The word while the action runs. */
export function workingText(a: Action): string {
  switch (a.kind) {
    case 'pull':
      return 'Pulling';
    case 'create-network':
    case 'create-volume':
      return 'Creating';
    case 'create-container':
      return a.replaces === undefined ? 'Creating' : 'Recreating';
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

/**
 * The words each action shows: a row one action changes shows that action's; a row several change (stop, create
 * and start of a recreate) shows one word while they run and the last one's when done (`Recreating`, `Started`),
 * as it did when a recreate was one action. Waits show on their containers' rows (apply.ts) and are not here.
 */
export function actionWords(actions: readonly Action[]): Map<ActionId, { working?: string; done?: string }> {
  const byRow = new Map<string, Action[]>();
  for (const a of actions) {
    if (a.kind === 'wait') continue;
    const key = rowKey(a.row);
    byRow.set(key, [...(byRow.get(key) ?? []), a]);
  }
  const out = new Map<ActionId, { working?: string; done?: string }>();
  for (const group of byRow.values()) {
    const first = group[0] as Action;
    const last = group[group.length - 1] as Action;
    const create = group.find((a) => a.kind === 'create-container');
    for (const a of group) out.set(a.id, {});
    out.set(first.id, { working: workingText(create ?? first) });
    out.set(last.id, { ...out.get(last.id), done: doneText(last) });
  }
  return out;
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
