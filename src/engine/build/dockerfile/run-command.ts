// What a RUN executes once its heredocs are taken into account, following buildkit's dispatchRun
// (frontend/dockerfile/dockerfile2llb/convert.go). The executor prepends the SHELL for `shell` only.
import { parseHeredocMarker } from './heredoc.js';
import type { Instruction } from './types.js';

type Run = Extract<Instruction, { kind: 'RUN' }>;

/**
 * - `exec`: run `args` as is (JSON form).
 * - `shell`: run `[...SHELL, command]`. A RUN that is only `<<EOF` runs the body; a RUN mixing a command with
 *   heredocs (`cat <<EOF > /f`) gets the bodies appended with their terminators, for the shell to read.
 * - `script`: the RUN is only `<<EOF` and the body starts with `#!`: write `content` to a file named `name`
 *   (mode 0755, Docker mounts it under /dev/pipes/) and execute that file directly, without the SHELL.
 */
export type RunCommand =
  | { kind: 'exec'; args: string[] }
  | { kind: 'shell'; command: string }
  | { kind: 'script'; name: string; content: string };

export function runCommandOf(run: Run): RunCommand {
  if (run.form === 'exec') return { kind: 'exec', args: run.args };
  const command = run.args[0] ?? '';
  const first = run.heredocs[0];
  if (first === undefined) return { kind: 'shell', command };
  // Docker ignores `expand` for RUN heredocs: the shell sees the body as written.
  if (parseHeredocMarker(command) !== undefined) {
    if (first.content.startsWith('#!')) return { kind: 'script', name: first.name, content: first.content };
    return { kind: 'shell', command: first.content };
  }
  return { kind: 'shell', command: run.heredocs.reduce((full, h) => `${full}\n${h.content}${h.name}`, command) };
}
