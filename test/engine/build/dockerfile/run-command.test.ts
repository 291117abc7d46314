// RUN with heredocs resolves as buildkit's dispatchRun does: a lone heredoc runs its body (or, with a shebang,
// is executed as a file); a heredoc inside a command is handed to the shell with its terminator.
import { describe, expect, it } from 'vitest';
import { parseDockerfile, runCommandOf, type Instruction } from '../../../../src/engine/build/dockerfile/index.js';

function run(body: string): Extract<Instruction, { kind: 'RUN' }> {
  const i = parseDockerfile(`FROM a\n${body}\n`).stages[0]!.instructions[0]!;
  if (i.kind !== 'RUN') throw new Error('not a RUN');
  return i;
}

describe('runCommandOf', () => {
  it('passes the shell and exec forms through', () => {
    expect(runCommandOf(run('RUN echo hi'))).toEqual({ kind: 'shell', command: 'echo hi' });
    expect(runCommandOf(run('RUN ["echo", "hi"]'))).toEqual({ kind: 'exec', args: ['echo', 'hi'] });
  });

  it('runs the body of a lone heredoc in the shell', () => {
    expect(runCommandOf(run('RUN <<EOF\napk add curl\necho done\nEOF'))).toEqual({
      kind: 'shell',
      command: 'apk add curl\necho done\n',
    });
  });

  it('executes a lone heredoc with a shebang as a script file', () => {
    expect(runCommandOf(run('RUN <<py\n#!/usr/bin/env python3\nprint(1)\npy'))).toEqual({
      kind: 'script',
      name: 'py',
      content: '#!/usr/bin/env python3\nprint(1)\n',
    });
  });

  it('reconstitutes heredocs inside a command for the shell', () => {
    expect(runCommandOf(run('RUN cat <<A > /a && cat <<B > /b\none\nA\ntwo\nB'))).toEqual({
      kind: 'shell',
      command: 'cat <<A > /a && cat <<B > /b\none\nA\ntwo\nB',
    });
  });
});
