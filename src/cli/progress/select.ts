// Which display `--progress` (or COMPOSE_PROGRESS) picks; `auto` is the tty display on a terminal, plain lines
// otherwise, as Compose decides.
import { BerthError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { jsonSink } from './json.js';
import { plainSink, quietSink } from './plain.js';
import type { ProgressSink } from './sink.js';

export const PROGRESS_MODES = ['auto', 'tty', 'plain', 'json', 'quiet'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

export function progressMode(ctx: CliContext, flag: string | undefined): Exclude<ProgressMode, 'auto'> {
  const wanted = flag ?? ctx.env.COMPOSE_PROGRESS ?? 'auto';
  if (!(PROGRESS_MODES as readonly string[]).includes(wanted)) {
    throw new BerthError('CLI_BAD_PROGRESS', `unsupported --progress value "${wanted}"`, {
      hint: `use one of ${PROGRESS_MODES.join(', ')}`,
    });
  }
  if (wanted !== 'auto') return wanted as Exclude<ProgressMode, 'auto'>;
  return ctx.isTTY === true && ctx.env.TERM !== 'dumb' ? 'tty' : 'plain';
}

/** The sink for `--progress`; the tty one loads listr2 only when it first draws. */
export async function selectProgress(ctx: CliContext, flag: string | undefined): Promise<ProgressSink> {
  const mode = progressMode(ctx, flag);
  if (mode === 'json') return jsonSink(ctx.stderr);
  if (mode === 'quiet') return quietSink(ctx.stderr);
  if (mode === 'plain') return plainSink(ctx.stderr);
  const { ttySink } = await import('./tty.js');
  return ttySink(process.stderr);
}
