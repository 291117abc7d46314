// The dashboard's screen as lines of text: a pure function of the state and the terminal's size, so what the user
// sees is tested as data; ink (view-ink.ts) only prints these lines in their colours.
import type { DashboardState, ServiceRow } from './state.js';

export type Tone = 'title' | 'selected' | 'good' | 'bad' | 'dim' | 'plain';

export interface ScreenLine {
  text: string;
  tone: Tone;
}

export interface ScreenSize {
  columns: number;
  rows: number;
}

const COLUMNS = ['SERVICE', 'CONTAINER', 'STATE', 'HEALTH', 'PORTS', 'RESTARTS', 'IMAGE', 'LAST LOG'] as const;
export const KEYS_HELP = '↑/↓ select  l logs  r restart  b rebuild  q quit';
export const FOLLOW_HELP = 'esc back to the services  q quit';

const cells = (r: ServiceRow): string[] => [
  r.service,
  r.container,
  r.state,
  r.health ?? '-',
  r.ports || '-',
  String(r.restarts),
  r.image,
  r.lastLog ?? '',
];

const fit = (text: string, width: number): string =>
  text.length <= width ? text : width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;

function tone(r: ServiceRow): Tone {
  if (r.health === 'unhealthy' || r.state === 'exited' || r.state === 'dead') return 'bad';
  if (r.state === 'running') return 'good';
  return 'plain';
}

/** The services' table: columns as wide as their widest cell, the last log line given what is left. */
function table(state: DashboardState, width: number): ScreenLine[] {
  const body = state.rows.map(cells);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...body.map((c) => (c[i] ?? '').length)));
  const fixed = widths.slice(0, -1).reduce((a, b) => a + b + 2, 2);
  widths[widths.length - 1] = Math.max(width - fixed, 8);
  const line = (c: readonly string[], marker: string): string =>
    fit(marker + c.map((x, i) => x.padEnd(widths[i] ?? 0)).join('  '), width).trimEnd();
  return [
    { text: line(COLUMNS, '  '), tone: 'title' },
    ...state.rows.map((r, i) => ({
      text: line(cells(r), i === state.selected ? '› ' : '  '),
      tone: i === state.selected ? ('selected' as const) : tone(r),
    })),
  ];
}

export function screenLines(state: DashboardState, size: ScreenSize): ScreenLine[] {
  const width = Math.max(size.columns, 20);
  const footer: ScreenLine[] = [];
  if (state.lastWatch) footer.push({ text: fit(state.lastWatch, width), tone: 'plain' });
  if (state.notice) footer.push({ text: fit(state.notice, width), tone: 'dim' });
  if (state.following !== undefined) {
    const head = { text: fit(`logs of ${state.following}`, width), tone: 'title' as const };
    const room = Math.max(size.rows - 3 - footer.length, 1);
    const lines = (state.logs[state.following] ?? [])
      .slice(-room)
      .map((t) => ({ text: fit(t, width), tone: 'plain' as const }));
    return [head, ...lines, ...footer, { text: FOLLOW_HELP, tone: 'dim' }];
  }
  const rows = state.rows.length > 0 ? table(state, width) : [{ text: 'no containers yet', tone: 'dim' as const }];
  return [...rows, { text: '', tone: 'plain' }, ...footer, { text: fit(KEYS_HELP, width), tone: 'dim' }];
}
