// --progress tty: a line per network, volume and container that changes in place (listr2's renderer, a spinner
// while it works), worded as Compose's: `✔ Container shop-db-1  Started`. listr2 is imported here only, and only
// when a phase begins, so commands that show no progress never load it.
import type { ListrTaskWrapper } from 'listr2';
import { plainLine } from './plain.js';
import type { ProgressEvent, ProgressRow, ProgressSink } from './sink.js';
import { rowTitle } from './sink.js';

type TaskWrapper = Pick<ListrTaskWrapper<unknown, never, never>, 'title' | 'skip'>;

interface RowState {
  row: ProgressRow;
  text: string;
  task?: TaskWrapper;
  settle: (e: ProgressEvent | undefined) => void;
  outcome: Promise<ProgressEvent | undefined>;
}

const TERMINAL = new Set<ProgressEvent['status']>(['done', 'failed', 'skipped']);

function rowState(row: ProgressRow): RowState {
  let settle: RowState['settle'] = () => undefined;
  const outcome = new Promise<ProgressEvent | undefined>((resolve) => (settle = resolve));
  return { row, text: '', settle, outcome };
}

const label = (s: RowState): string => (s.text ? `${rowTitle(s.row)}  ${s.text}` : rowTitle(s.row));

/** A sink that draws on `stream` (a terminal: berth's stderr). */
export function ttySink(stream: NodeJS.WriteStream): ProgressSink {
  let rows = new Map<string, RowState>();
  let running: Promise<unknown> = Promise.resolve();
  return {
    async begin(list) {
      const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
      rows = new Map(list.map((r) => [r.id, rowState(r)]));
      const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
      const tasks = [...rows.values()].map((s) => ({
        title: label(s),
        task: async (_ctx: unknown, task: TaskWrapper): Promise<void> => {
          s.task = task;
          task.title = label(s);
          const last = await s.outcome;
          if (last?.status === 'failed') throw new Error(last.text);
          if (last?.status === 'skipped') task.skip(label(s));
        },
      }));
      const listr = new Listr(tasks, {
        concurrent: true,
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: { logger, showErrorMessage: false, collapseErrors: false },
        fallbackRendererOptions: { logger },
      });
      running = listr.run().catch(() => undefined);
    },
    event(e) {
      const s = rows.get(e.id);
      if (!s) {
        const line = plainLine(e);
        if (line) stream.write(line);
        return;
      }
      s.text = e.status === 'failed' ? `Error: ${e.text}` : e.status === 'waiting' ? 'Waiting' : e.text;
      if (s.task) s.task.title = label(s);
      if (TERMINAL.has(e.status)) s.settle(e);
    },
    async end() {
      for (const s of rows.values()) s.settle(undefined);
      await running;
      rows = new Map();
    },
    warn(text) {
      stream.write(`WARN ${text}\n`);
    },
  };
}
