// Docker quirks kept on purpose, each with what buildkit does.
import { describe, expect, it } from 'vitest';
import { parseDockerfile, parseDuration, type Instruction } from '../../../../src/engine/build/dockerfile/index.js';

function one(body: string): Instruction {
  return parseDockerfile(`FROM a\n${body}\n`).stages[0]!.instructions[0]!;
}

describe('Docker quirks', () => {
  it('takes the whole word after << as the heredoc name (buildkit lexes words, not shell redirections)', () => {
    expect(one('RUN cat <<EOF>/f\nx\nEOF>/f')).toMatchObject({ heredocs: [{ name: 'EOF>/f', content: 'x\n' }] });
  });

  it('still expands a backslash-escaped delimiter: only quotes turn expansion off in buildkit', () => {
    expect(one('RUN <<\\EOF\n$X\nEOF')).toMatchObject({ heredocs: [{ name: 'EOF', expand: true }] });
    expect(one('RUN <<E"O"F\n$X\nEOF')).toMatchObject({ heredocs: [{ name: 'EOF', expand: false }] });
  });

  it('accepts a file-descriptor prefix on heredocs', () => {
    expect(one('RUN cat 3<<EOF\nx\nEOF')).toMatchObject({ heredocs: [{ name: 'EOF', content: 'x\n' }] });
  });

  it('ends the flags at --, leaving later --words to the command', () => {
    expect(one('RUN --network=none -- --version')).toMatchObject({ flags: { network: 'none' }, args: ['--version'] });
  });

  it('splits ENV/LABEL words with the escape token of the file', () => {
    const df = parseDockerfile('# escape=`\nFROM a\nENV A=x` y B=c:\\dir');
    expect(df.stages[0]!.instructions[0]).toMatchObject({
      pairs: [
        { key: 'A', value: 'x` y' },
        { key: 'B', value: 'c:\\dir' },
      ],
    });
  });

  it('ignores flags given with HEALTHCHECK NONE, as Docker does not read them', () => {
    expect(one('HEALTHCHECK --interval=bogus NONE')).toMatchObject({ kind: 'HEALTHCHECK', none: true });
  });

  it('keeps a global ARG list per ARG line position', () => {
    const df = parseDockerfile('ARG A B=2\nFROM x\nARG A');
    expect(df.globalArgs).toEqual([
      { name: 'A', at: { line: 1, column: 1 } },
      { name: 'B', default: '2', at: { line: 1, column: 1 } },
    ]);
    expect(df.stages[0]!.instructions).toMatchObject([{ kind: 'ARG', args: [{ name: 'A' }] }]);
  });
});

describe('parseDuration (Go time.ParseDuration)', () => {
  it.each([
    ['0', 0],
    ['5s', 5e9],
    ['1m30s', 90e9],
    ['1.5h', 5400e9],
    ['500ms', 5e8],
    ['10us', 1e4],
    ['2µs', 2e3],
    ['-1s', -1e9],
    ['.5s', 5e8],
  ])('%s is %d ns', (text, ns) => {
    expect(parseDuration(text)).toBe(ns);
  });

  it.each(['', '5', 's', '1x', '1.s.', '.s', '1 s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
