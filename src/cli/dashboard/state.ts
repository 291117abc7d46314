// The dashboard's state and the one reducer that changes it: what the engine says about each container, their log
// lines, what watch did, and the keys pressed. Pure, so the view is tested as data (test/cli/dashboard-state.test.ts).
import type { WatchEvent } from '../watch/actions.js';
import { renderWatchEvent } from '../watch/render-watch.js';

/** One container of the stack as the dashboard shows it. */
export interface ServiceRow {
  service: string;
  container: string;
  /** The engine's state: created, running, restarting, exited... */
  state: string;
  /** starting, healthy or unhealthy; absent without a healthcheck. */
  health?: string;
  ports: string;
  restarts: number;
  image: string;
  lastLog?: string;
}

export interface DashboardState {
  rows: ServiceRow[];
  /** The index of the selected row, which the keys act on. */
  selected: number;
  /** The container whose logs fill the screen, if one is followed. */
  following?: string;
  /** The last lines of each container's log, newest last (what following shows). */
  logs: Record<string, string[]>;
  /** The latest sync, restart or rebuild of watch, as its plain line (with its latency). */
  lastWatch?: string;
  /** What the last key did ("restarting shop-web-1"), or why it could not. */
  notice?: string;
  quitting: boolean;
}

/** A container as listed and inspected, without its log (which comes on its own). */
export type ContainerFacts = Omit<ServiceRow, 'lastLog'>;

export type DashboardAction =
  | { type: 'containers'; containers: ContainerFacts[] }
  | { type: 'log'; container: string; text: string }
  | { type: 'watch'; event: WatchEvent }
  | { type: 'key'; key: DashboardKey }
  | { type: 'notice'; text: string }
  | { type: 'quit' };

export type DashboardKey = 'up' | 'down' | 'follow' | 'back';

/** How many log lines are kept per container: more than any terminal shows. */
export const KEPT_LOG_LINES = 200;

export function initialState(containers: readonly ContainerFacts[] = []): DashboardState {
  return reduce(
    { rows: [], selected: 0, logs: {}, quitting: false },
    { type: 'containers', containers: [...containers] },
  );
}

const byServiceThenName = (a: ServiceRow, b: ServiceRow): number =>
  a.service.localeCompare(b.service) || a.container.localeCompare(b.container);

// Control characters would move ink's cursor: a log line shows as text only.
/* eslint-disable no-control-regex */
const printable = (text: string): string =>
  text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x1f\x7f]/g, ' ');
/* eslint-enable no-control-regex */

export function reduce(state: DashboardState, action: DashboardAction): DashboardState {
  switch (action.type) {
    case 'containers': {
      const selectedName = state.rows[state.selected]?.container;
      const previous = new Map(state.rows.map((r) => [r.container, r]));
      const rows = action.containers
        .map((c) => ({ ...c, lastLog: previous.get(c.container)?.lastLog }))
        .sort(byServiceThenName);
      // The selection stays on its container when rows come and go (a rebuild recreates one).
      const kept = rows.findIndex((r) => r.container === selectedName);
      const selected = kept >= 0 ? kept : Math.min(state.selected, Math.max(rows.length - 1, 0));
      return { ...state, rows, selected };
    }
    case 'log': {
      const text = printable(action.text);
      const lines = [...(state.logs[action.container] ?? []), text].slice(-KEPT_LOG_LINES);
      const rows = state.rows.map((r) => (r.container === action.container ? { ...r, lastLog: text } : r));
      return { ...state, rows, logs: { ...state.logs, [action.container]: lines } };
    }
    case 'watch':
      return { ...state, lastWatch: renderWatchEvent(action.event) };
    case 'notice':
      return { ...state, notice: action.text };
    case 'quit':
      return { ...state, quitting: true, notice: 'stopping the stack...' };
    case 'key':
      return onKey(state, action.key);
  }
}

function onKey(state: DashboardState, key: DashboardKey): DashboardState {
  const last = Math.max(state.rows.length - 1, 0);
  switch (key) {
    case 'up':
      return { ...state, selected: Math.max(state.selected - 1, 0) };
    case 'down':
      return { ...state, selected: Math.min(state.selected + 1, last) };
    case 'follow': {
      const row = state.rows[state.selected];
      return row ? { ...state, following: row.container } : state;
    }
    case 'back':
      return { ...state, following: undefined };
  }
}
