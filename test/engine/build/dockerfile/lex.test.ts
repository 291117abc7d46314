// Expected values are what buildkit's shell lexer (frontend/dockerfile/shell/lex.go, and its envVarTest table)
// produces for the same input and environment.
import { describe, expect, it } from 'vitest';
import { DockerfileError, expandWord, expandWords } from '../../../../src/engine/build/dockerfile/index.js';

const vars = new Map([
  ['PWD', '/home'],
  ['SHELL', 'bash'],
  ['EMPTY', ''],
  ['SPACED', 'a  b c'],
  ['FILE', 'archive.tar.gz'],
  ['PATHV', '/usr/local/bin'],
]);

describe('expandWord', () => {
  it.each([
    ['hello', 'hello'],
    ['he"ll"o', 'hello'],
    ["he'll'o", 'hello'],
    ['"a b"', 'a b'],
    ["'$PWD'", '$PWD'],
    ['"$PWD"', '/home'],
    ['$PWD', '/home'],
    ['${PWD}', '/home'],
    ['x$PWD', 'x/home'],
    ['$PWD/x', '/home/x'],
    ['${PWD}x', '/homex'],
    ['\\$PWD', '$PWD'],
    ['"\\$PWD"', '$PWD'],
    ["'\\$PWD'", '\\$PWD'],
    ['\\"x\\"', '"x"'],
    ['"a\\"b"', 'a"b'],
    ['"a\\nb"', 'a\\nb'], // in double quotes only " $ and the escape can be escaped
    ['a\\ b', 'a b'],
    ['abc\\', 'abc'], // a trailing escape is dropped
    ['$', '$'],
    ['$.x', '$.x'],
    ['$UNSET', ''],
    ['${UNSET}', ''],
    ['${UNSET:-def}', 'def'],
    ['${EMPTY:-def}', 'def'],
    ['${EMPTY-def}', ''], // `-` only replaces an unset variable
    ['${UNSET-def}', 'def'],
    ['${SHELL:-def}', 'bash'],
    ['${UNSET:+alt}', ''],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'], // `+` without colon: set (even empty) counts
    ['${SHELL:+alt}', 'alt'],
    ['${UNSET:-${SHELL:-x}}', 'bash'],
    ['${UNSET:-${ALSO:-inner}}', 'inner'],
    ['${UNSET:-"a b"}', 'a b'],
    ['${UNSET:-$PWD/x}', '/home/x'],
    ['${SHELL:?msg}', 'bash'],
    ['${EMPTY?msg}', ''],
    ['$1', ''],
    ['$12x', 'x'],
    ['$@x', 'x'],
    ['${FILE#*.}', 'tar.gz'],
    ['${FILE##*.}', 'gz'],
    ['${FILE%.*}', 'archive.tar'],
    ['${FILE%%.*}', 'archive'],
    ['${FILE#nomatch}', 'archive.tar.gz'],
    ['${PATHV/local/opt}', '/usr/opt/bin'],
    ['${PATHV//\\//:}', ':usr:local:bin'],
    ['${SPACED}', 'a  b c'], // no field splitting in one word
    ['"${SHELL}"\\\'s', "bash's"],
  ])('%s', (word, expected) => {
    expect(expandWord(word, vars)).toBe(expected);
  });

  it('uses the backtick as escape when the Dockerfile says # escape=`', () => {
    expect(expandWord('`$PWD', vars, '`')).toBe('$PWD');
    expect(expandWord('C:\\path', vars, '`')).toBe('C:\\path');
    expect(expandWord('"a`"b"', vars, '`')).toBe('a"b');
  });

  it.each([
    ['${UNSET:?}', 'UNSET: is not allowed to be unset'],
    ['${UNSET?}', 'UNSET: is not allowed to be unset'],
    ['${EMPTY:?}', 'EMPTY: is not allowed to be empty'],
    ['${UNSET:?need it}', 'UNSET: need it'],
    ['${', "syntax error: missing '}'"],
    ['${PWD', "syntax error: missing '}'"],
    ['${PWD:-x', "syntax error: missing '}'"],
    ['${}', 'syntax error: bad substitution'],
    ['${:x}', 'syntax error: bad substitution'],
    ['${PWD:#x}', 'unsupported modifier (:#) in substitution'],
    ['${PWD.x}', 'unsupported modifier (.) in substitution'],
    ['"abc', 'unexpected end of statement while looking for matching double-quote'],
    ["'abc", 'unexpected end of statement while looking for matching single-quote'],
  ])('%s fails with %s', (word, why) => {
    const err = (() => {
      try {
        expandWord(word, vars);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DockerfileError);
    expect(err).toMatchObject({
      code: 'ENGINE_DOCKERFILE_PARSE',
      kind: 'invalid',
      reason: `failed to process "${word}": ${why}`,
    });
  });
});

describe('expandWords', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    ['"a b" c', ['a b', 'c']],
    ['$SPACED', ['a', 'b', 'c']], // unquoted variables are split into fields
    ['"$SPACED"', ['a  b c']],
    ['x$SPACED', ['xa', 'b', 'c']],
    ['a\\ b c', ['a b', 'c']],
    ['""', []], // an empty quoted word vanishes, as in buildkit
    ['$EMPTY x', ['x']],
    ['80/tcp ${PORT:-443}', ['80/tcp', '443']],
    ['  ', []],
  ])('%s', (word, expected) => {
    expect(expandWords(word, vars)).toEqual(expected);
  });
});
