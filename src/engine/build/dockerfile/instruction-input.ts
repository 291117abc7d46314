// What every per-instruction parser receives: the split line, where it is, and the heredocs read after it.
import type { ErrorSite } from './errors.js';
import type { CommandParts } from './split-command.js';
import type { Heredoc } from './types.js';

/** One instruction line ready to be typed; `kind` is the upper-cased keyword, already known to be valid. */
export interface InstructionInput {
  kind: string;
  parts: CommandParts;
  site: ErrorSite;
  original: string;
  escape: '\\' | '`';
  heredocs: Heredoc[];
}
