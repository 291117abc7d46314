// Progress of `up` and `down` as a stream of events, one per change of state of a network, volume or container,
// and the displays that show them (--progress: plain lines, an in-place tty display, JSON lines, or nothing).
import type { ActionStatus, ApplyEvents } from '../../planner/apply.js';
import { rowKey } from '../../planner/action-text.js';

/** One line of the display: a network, volume or container, by a key unique in its phase (`container:NAME`). */
export interface ProgressRow {
  id: string;
  resource: 'image' | 'network' | 'volume' | 'container';
  /** The engine's name of the resource; for an image, the service that runs it (Compose's ` web Pulled`). */
  name: string;
}

/** A row changed state; `text` is Compose's word for it ("Created", "Started", "Waiting") or why it failed. */
export interface ProgressEvent extends ProgressRow {
  status: ActionStatus;
  text: string;
  /** The plan action that changed the row, when one did. */
  action?: string;
}

/**
 * Where progress goes. A command calls `begin` with the rows of a phase (apply, wait, stop), then `event` for each
 * change, then `end`, which resolves once the display is final; events for rows not begun are shown as they come.
 * `warn` prints a warning in the display's own form. A sink never throws from `event`.
 */
export interface ProgressSink {
  begin(rows: readonly ProgressRow[]): Promise<void>;
  event(e: ProgressEvent): void;
  end(): Promise<void>;
  warn(text: string): void;
}

/** Compose's name for a row: `Container shop-db-1`. */
export function rowTitle(row: ProgressRow): string {
  if (row.resource === 'image') return row.name;
  return `${row.resource.charAt(0).toUpperCase()}${row.resource.slice(1)} ${row.name}`;
}

/** applyPlan's events into a sink: the rows are those of planRows. */
export function applyEventsTo(sink: ProgressSink): ApplyEvents {
  return {
    onStatus: (e) =>
      sink.event({
        id: rowKey(e.row),
        ...e.row,
        status: e.status,
        text: e.text,
        ...(e.action ? { action: e.action.id } : {}),
      }),
  };
}

/** Runs one phase on the sink: begin with `rows`, run, and end even when `work` fails. */
export async function inPhase<T>(sink: ProgressSink, rows: readonly ProgressRow[], work: () => Promise<T>): Promise<T> {
  await sink.begin(rows);
  try {
    return await work();
  } finally {
    await sink.end();
  }
}
