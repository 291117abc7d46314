// The dashboard drawn with ink: the lines of view.ts in their colours, and the keys. No JSX, so the build needs no
// transform; everything the user reads is decided by screenLines.
import type { Key } from 'ink';
import type { ReactElement } from 'react';
import type { Ink, ReactModule } from './load.js';
import type { DashboardState } from './state.js';
import type { ScreenSize, Tone } from './view.js';
import { screenLines } from './view.js';

/** What a key asks of the shell (dashboard.ts); moving the selection is the reducer's. */
export type KeyCommand = 'up' | 'down' | 'follow' | 'back' | 'restart' | 'rebuild' | 'quit';

export function keyCommand(
  input: string,
  key: Pick<Key, 'upArrow' | 'downArrow' | 'escape' | 'return' | 'ctrl'>,
): KeyCommand | undefined {
  if (key.upArrow || input === 'k') return 'up';
  if (key.downArrow || input === 'j') return 'down';
  if (key.escape) return 'back';
  if (key.return || input === 'l') return 'follow';
  if (input === 'r') return 'restart';
  if (input === 'b') return 'rebuild';
  if (input === 'q' || (key.ctrl && input === 'c')) return 'quit';
  return undefined;
}

const COLORS: Record<Tone, { color?: string; bold?: boolean; dimColor?: boolean; inverse?: boolean }> = {
  title: { bold: true },
  selected: { inverse: true },
  good: { color: 'green' },
  bad: { color: 'red' },
  dim: { dimColor: true },
  plain: {},
};

export interface ScreenProps {
  state: DashboardState;
  size: ScreenSize;
}

/** The screen component, made once per dashboard so that a new state re-renders it rather than mounting anew. */
export function dashboardScreen(
  { ink, react }: { ink: Ink; react: ReactModule },
  onKey: (command: KeyCommand) => void,
): (props: ScreenProps) => ReactElement {
  const h = react.createElement;
  return function Screen({ state, size }: ScreenProps): ReactElement {
    ink.useInput((input, key) => {
      const command = keyCommand(input, key);
      if (command) onKey(command);
    });
    return h(
      ink.Box,
      { flexDirection: 'column' },
      screenLines(state, size).map((l, i) =>
        h(ink.Text, { key: i, wrap: 'truncate', ...COLORS[l.tone] }, l.text || ' '),
      ),
    );
  };
}
