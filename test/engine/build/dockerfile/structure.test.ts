// Stages, global ARGs, parser directives and line handling (continuations, comments), as buildkit's parser.Parse.
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../../../src/engine/build/dockerfile/index.js';

describe('stages', () => {
  it('groups instructions under their FROM, with names lower-cased and platforms kept', () => {
    const df = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=alpine:3.20',
        'ARG VERSION',
        'FROM --platform=$BUILDPLATFORM golang:1.22 AS Build',
        'RUN go build',
        'FROM ${BASE}',
        'COPY --from=build /out /app',
      ].join('\n'),
      'app/Dockerfile',
    );
    expect(df).toMatchObject({
      file: 'app/Dockerfile',
      escape: '\\',
      syntax: 'docker/dockerfile:1',
      globalArgs: [
        { name: 'BASE', default: 'alpine:3.20', at: { line: 2, column: 1 } },
        { name: 'VERSION', at: { line: 3, column: 1 } },
      ],
      stages: [
        {
          index: 0,
          name: 'build',
          from: { image: 'golang:1.22', platform: '$BUILDPLATFORM', at: { line: 4, column: 1 } },
          instructions: [{ kind: 'RUN' }],
        },
        { index: 1, from: { image: '${BASE}', original: 'FROM ${BASE}' }, instructions: [{ kind: 'COPY' }] },
      ],
    });
    expect(df.stages[1]).not.toHaveProperty('name');
    expect(df.globalArgs[1]).not.toHaveProperty('default');
  });

  it('accepts `as` in any case and stage names with - _ .', () => {
    expect(parseDockerfile('FROM a as x-1_b.c').stages[0]!.name).toBe('x-1_b.c');
  });
});

describe('continuations and comments', () => {
  it('joins continued lines without adding spaces, as Docker does', () => {
    const run = parseDockerfile('FROM a\nRUN apt-get update && \\\n    apt-get install -y \\\n    curl').stages[0]!
      .instructions[0]!;
    expect(run).toMatchObject({
      args: ['apt-get update &&     apt-get install -y     curl'],
      at: { line: 2, column: 1 },
    });
  });

  it('skips comment and empty lines inside a continuation', () => {
    const text = 'FROM a\nRUN echo a \\\n# a comment\n\n   # indented comment\n  && echo b\nUSER x';
    const ins = parseDockerfile(text).stages[0]!.instructions;
    expect(ins.map((i) => i.kind)).toEqual(['RUN', 'USER']);
    expect(ins[0]).toMatchObject({ args: ['echo a   && echo b'] });
    expect(ins[1]!.at.line).toBe(7);
  });

  it('allows spaces after the escape, and treats an escaped escape at the end as no continuation', () => {
    const ins = parseDockerfile('FROM a\nRUN a \\  \n b\nRUN c \\\\\nUSER u').stages[0]!.instructions;
    expect(ins.map((i) => i.kind)).toEqual(['RUN', 'RUN', 'USER']);
    expect(ins[0]).toMatchObject({ args: ['a  b'] });
    expect(ins[1]).toMatchObject({ args: ['c \\\\'] });
  });

  it('uses the backtick for continuations under # escape=`, leaving backslashes alone', () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows\nCOPY test.txt c:\\\nRUN dir c:\\ `\n  /s';
    const df = parseDockerfile(text);
    expect(df.escape).toBe('`');
    expect(df.stages[0]!.instructions).toMatchObject([
      { kind: 'COPY', sources: ['test.txt'], dest: 'c:\\' },
      { kind: 'RUN', args: ['dir c:\\   /s'] },
    ]);
  });

  it('reads CRLF files and a leading BOM', () => {
    const df = parseDockerfile('\uFEFFFROM a\r\nRUN x \\\r\n  y\r\nRUN <<EOF\r\nbody\r\nEOF\r\n');
    expect(df.stages[0]!.instructions).toMatchObject([
      { kind: 'RUN', args: ['x   y'] },
      { kind: 'RUN', heredocs: [{ name: 'EOF', content: 'body\r\n' }] },
    ]);
  });

  it('keeps a # inside a line: only a line starting with # is a comment', () => {
    expect(parseDockerfile('FROM a\nRUN echo # not a comment').stages[0]!.instructions[0]).toMatchObject({
      args: ['echo # not a comment'],
    });
  });
});

describe('parser directives', () => {
  it('reads directives only at the very top', () => {
    // Docker: after a comment, an empty line or an instruction, directive-looking lines are comments.
    expect(parseDockerfile('# hello\n# escape=`\nFROM a').escape).toBe('\\');
    expect(parseDockerfile('\n# escape=`\nFROM a').escape).toBe('\\');
    expect(parseDockerfile('FROM a\n# escape=`').escape).toBe('\\');
    expect(parseDockerfile('#ESCAPE = `\n# Syntax=x\nFROM a')).toMatchObject({ escape: '`', syntax: 'x' });
  });

  it('ends the directive block at an unknown directive', () => {
    expect(parseDockerfile('# foo=bar\n# escape=`\nFROM a').escape).toBe('\\');
    expect(parseDockerfile('# check=skip=all\n# escape=`\nFROM a').escape).toBe('`');
  });
});
