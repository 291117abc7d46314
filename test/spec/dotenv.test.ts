// Cases ported from compose-go v2 dotenv/godotenv_test.go, parser_test.go, godotenv_var_expansion_test.go and their
// fixtures, plus line and column on every error and compose-go's quirks pinned down.
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/spec/dotenv.js';
import type { Lookup } from '../../src/spec/interpolate.js';

const none: Lookup = () => undefined;
const envOf =
  (env: Record<string, string>): Lookup =>
  (name) =>
    env[name];

function varsOf(text: string, lookup: Lookup = none): Record<string, string> {
  const result = parseDotenv(text, lookup);
  if (!result.ok) throw new Error(`unexpected failure: ${result.message}`);
  return Object.fromEntries(result.vars);
}

describe('parseDotenv: one line (TestParsing)', () => {
  it.each([
    ['FOO=bar', 'FOO', 'bar'],
    ['FOO =bar', 'FOO', 'bar'],
    ['FOO= bar', 'FOO', 'bar'],
    ['FOO="bar"', 'FOO', 'bar'],
    ["FOO='bar'", 'FOO', 'bar'],
    [String.raw`FOO="escaped\"bar"`, 'FOO', 'escaped"bar'],
    [String.raw`FOO="\"quoted\""`, 'FOO', '"quoted"'],
    [`FOO="'d'"`, 'FOO', "'d'"],
    ['OPTION_A: 1', 'OPTION_A', '1'],
    ['OPTION_A: Foo=bar', 'OPTION_A', 'Foo=bar'],
    ['OPTION_A=1:B', 'OPTION_A', '1:B'],
    ['export OPTION_A=2', 'OPTION_A', '2'],
    [String.raw`export OPTION_B='\n'`, 'OPTION_B', String.raw`\n`],
    ['export exportFoo=2', 'exportFoo', '2'],
    ['exportFOO=2', 'exportFOO', '2'],
    ['export_FOO =2', 'export_FOO', '2'],
    ['export.FOO= 2', 'export.FOO', '2'],
    ['export\tOPTION_A=2', 'OPTION_A', '2'],
    ['  export OPTION_A=2', 'OPTION_A', '2'],
    ['\texport OPTION_A=2', 'OPTION_A', '2'],
    ['export OPTION_A="export A"', 'OPTION_A', 'export A'],
    [String.raw`FOO="bar\nbaz"`, 'FOO', 'bar\nbaz'],
    [String.raw`FOO=a\tb`, 'FOO', String.raw`a\tb`],
    [String.raw`FOO="a\tb"`, 'FOO', 'a\tb'],
    [String.raw`KEY="Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\Z\0123Z"`, 'KEY', 'Z\x07Z\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ'],
    ['FOO.BAR=foobar', 'FOO.BAR', 'foobar'],
    ['FOO=foobar=', 'FOO', 'foobar='],
    ['FOO=bar ', 'FOO', 'bar'],
    ['FOO=bar # this is foo', 'FOO', 'bar'],
    ['FOO=bar #this is foo', 'FOO', 'bar'],
    ['FOO=bar #', 'FOO', 'bar'],
    ['FOO=123#not-an-inline-comment', 'FOO', '123#not-an-inline-comment'],
    ['FOO="bar#baz"', 'FOO', 'bar#baz'],
    ['FOO="bar#baz"#', 'FOO', 'bar#baz'],
    ['FOO="bar#baz" # comment', 'FOO', 'bar#baz'],
    ["FOO='bar#baz' # comment", 'FOO', 'bar#baz'],
    ['FOO="bar#baz#bang" # comment', 'FOO', 'bar#baz#bang'],
    ['FOO="ba#r"', 'FOO', 'ba#r'],
    ["FOO='ba#r'", 'FOO', 'ba#r'],
    [String.raw`FOO="bar\n\ b\az"`, 'FOO', 'bar\n\\ b\x07z'],
    [String.raw`FOO="bar\\\n\ b\az"`, 'FOO', 'bar\\\n\\ b\x07z'],
    [String.raw`FOO="bar\\r\ b\az"`, 'FOO', 'bar\\r\\ b\x07z'],
    [String.raw`FOO="bar\nbaz\\"`, 'FOO', 'bar\nbaz\\'],
    ['="value"', '', 'value'],
    [' KEY =value', 'KEY', 'value'],
    ['   KEY=value', 'KEY', 'value'],
    ['\tKEY=value', 'KEY', 'value'],
    [String.raw`KEY="\0123"`, 'KEY', 'S'],
    [String.raw`KEY="\x07"`, 'KEY', String.raw`\x07`],
    [String.raw`KEY="\u12e4"`, 'KEY', String.raw`\u12e4`],
    [String.raw`KEY="\U00101234"`, 'KEY', String.raw`\U00101234`],
    // TestVariableStringValueSeparator
    [
      'TEST_URLS="stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443"',
      'TEST_URLS',
      'stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443',
    ],
  ])('%j sets %j to %j', (text, key, value) => {
    expect(varsOf(text)).toEqual({ [key]: value });
  });
});

describe('parseDotenv: values', () => {
  it.each([
    ['empty after "="', 'KEY=', { KEY: '' }],
    ['empty before a newline', 'KEY=\nNEXT=1', { KEY: '', NEXT: '1' }],
    ['empty quotes', `A=''\nB=""`, { A: '', B: '' }],
    ['single quotes keep backslashes', String.raw`A='a\tb\\c'`, { A: String.raw`a\tb\\c` }],
    ['single quotes unescape only the quote', String.raw`A='it\'s'`, { A: "it's" }],
    ['multi-line single quotes', "A='one\ntwo'\nB=2", { A: 'one\ntwo', B: '2' }],
    ['multi-line double quotes', 'A="one\ntwo"\nB=2', { A: 'one\ntwo', B: '2' }],
    ['CRLF line endings', 'A=1\r\nB="x"\r\nC: 3\r\n', { A: '1', B: 'x', C: '3' }],
    ['a BOM', '\uFEFFA=1\nB=2', { A: '1', B: '2' }],
    [
      'keys with dashes, dots and brackets',
      'VAR-WITH-DASHES=dashes\nVAR.WITH.DOTS=dots\na[1]=c',
      {
        'VAR-WITH-DASHES': 'dashes',
        'VAR.WITH.DOTS': 'dots',
        'a[1]': 'c',
      },
    ],
    [
      'unicode keys (TestParseBytes)',
      'árvíztűrő-TÜKÖRFÚRÓGÉP=ÁRVÍZTŰRŐ-tükörfúrógép',
      {
        'árvíztűrő-TÜKÖRFÚRÓGÉP': 'ÁRVÍZTŰRŐ-tükörfúrógép',
      },
    ],
    ['a later definition wins', 'A=1\nA=2', { A: '2' }],
    ['comments and blank lines', '# c\n\n\t # indented\nA=1 # inline\n\n', { A: '1' }],
    // TestLinesToIgnore
    ['only a line break', '\n', {}],
    ['only a CRLF', '\r\n', {}],
    ['only white space', '\t\t ', {}],
    ['only a comment', '# Comment', {}],
    ['only an indented comment', '\t # comment', {}],
  ])('%s', (_name, text, vars) => {
    expect(varsOf(text)).toEqual(vars);
  });
});

describe('parseDotenv: quirks of compose-go', () => {
  it.each([
    ['"#" right after "=" is a value, not a comment', 'A= #comment', { A: '#comment' }],
    ['a tab before "#" does not start a comment', 'A=x\t#c', { A: 'x\t#c' }],
    [
      'a statement may follow a closing quote on the same line',
      'A="1" B="2"\nC=\'3\'D=4',
      {
        A: '1',
        B: '2',
        C: '3',
        D: '4',
      },
    ],
    ['"export" alone on a line is skipped', 'export\nA=1', { A: '1' }],
    ['a bare key on the last line, with no newline, is the value of key ""', 'A=1\nBARE', { A: '1', '': 'BARE' }],
    ['a key may start with a digit', '1A=x', { '1A': 'x' }],
    [
      '\\0 not followed by three octal digits loses its 0',
      String.raw`A="\012|\0|\0777|\c"`,
      {
        A: String.raw`\12|\|\777|\c`,
      },
    ],
    ['CR inside quotes is kept', 'A="x\r\ny"', { A: 'x\r\ny' }],
  ])('%s', (_name, text, vars) => {
    expect(varsOf(text)).toEqual(vars);
  });
});

describe('parseDotenv: interpolation', () => {
  it.each([
    // TestExpanding
    ['expands variables found in values', 'FOO=test\nBAR=$FOO', {}, { FOO: 'test', BAR: 'test' }],
    ['parses variables wrapped in brackets', 'FOO=test\nBAR=${FOO}bar', {}, { FOO: 'test', BAR: 'testbar' }],
    ['expands undefined variables to an empty string', 'BAR=$FOO', {}, { BAR: '' }],
    [
      'expands variables in double quoted strings',
      'FOO=test\nBAR="quote $FOO"',
      {},
      { FOO: 'test', BAR: 'quote test' },
    ],
    ['does not expand variables in single quoted strings', "BAR='quote $FOO'", {}, { BAR: 'quote $FOO' }],
    ['does not expand escaped variables 1', String.raw`FOO="foo\$BAR"`, {}, { FOO: 'foo$BAR' }],
    ['does not expand escaped variables 2', String.raw`FOO="foo\${BAR}"`, {}, { FOO: 'foo${BAR}' }],
    [
      'does not expand escaped variables 3',
      'FOO=test\nBAR="foo\\${FOO} ${FOO}"',
      {},
      { FOO: 'test', BAR: 'foo${FOO} test' },
    ],
    ['$$ is a literal $', 'A=$$HOME', { HOME: '/h' }, { A: '$HOME' }],
    // TestExpandingEnvironmentWithLookup
    ['expands from the lookup', 'TEST=$ME', { ME: 'YES' }, { TEST: 'YES' }],
    // the lookup comes before the keys defined earlier in the file, but never replaces a key's own value
    ['the lookup wins over an earlier key', 'A=file\nB=$A', { A: 'env' }, { A: 'file', B: 'env' }],
    ['a key does not see itself', 'A=${A:-1}', {}, { A: '1' }],
    // TestExpandIfEmptyOrUnset, TestExpandIfUnset, TestErrorIfUnset
    ['":-" on unset', 'RESULT=${UNSET_VAR:-Default Value}', {}, { RESULT: 'Default Value' }],
    ['":-" on empty', 'EMPTY_VAR=\nRESULT=${EMPTY_VAR:-Default Value}', {}, { EMPTY_VAR: '', RESULT: 'Default Value' }],
    [
      '":-" on set',
      'TEST_VAR="Test Value"\nRESULT=${TEST_VAR:-Default Value}',
      {},
      { TEST_VAR: 'Test Value', RESULT: 'Test Value' },
    ],
    ['"-" on unset', 'RESULT=${UNSET_VAR-Default Value}', {}, { RESULT: 'Default Value' }],
    ['"-" on empty', 'EMPTY_VAR=\nRESULT=${EMPTY_VAR-Default Value}', {}, { EMPTY_VAR: '', RESULT: '' }],
    ['"?" on empty', 'EMPTY_VAR=\nRESULT=${EMPTY_VAR?Test error}', {}, { EMPTY_VAR: '', RESULT: '' }],
    ['":?" on set', 'RESULT=${TEST_VAR:?Default Value}', { TEST_VAR: 'Test Value' }, { RESULT: 'Test Value' }],
  ])('%s', (_name, text, env, vars) => {
    expect(varsOf(text, envOf(env))).toEqual(vars);
  });

  // fixtures/substitutions.env and substitutions-default.env, with and without OPTION_A=5 in the environment
  const substitutions =
    'OPTION_A=1\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\nOPTION_D=${OPTION_A}_${OPTION_B}\nOPTION_E=${OPTION_NOT_DEFINED}\n';
  const withDefault = substitutions.replace('OPTION_A=1', 'OPTION_A=${OPTION_A:-1}');
  it.each([
    ['substitutions.env', substitutions, {}, ['1', '1', '1', '1_1']],
    ['substitutions.env with OPTION_A=5', substitutions, { OPTION_A: '5' }, ['1', '5', '5', '5_5']],
    ['substitutions-default.env with OPTION_A=5', withDefault, { OPTION_A: '5' }, ['5', '5', '5', '5_5']],
    ['substitutions-default.env', withDefault, {}, ['1', '1', '1', '1_1']],
  ])('%s', (_name, text, env, [a, b, c, d]) => {
    expect(varsOf(text, envOf(env))).toEqual({ OPTION_A: a, OPTION_B: b, OPTION_C: c, OPTION_D: d, OPTION_E: '' });
  });
});

describe('parseDotenv: keys taken from the environment', () => {
  it.each([
    [
      'a bare key is read from the lookup',
      'VAR_TO_BE_LOADED_FROM_OS_ENV\nfoo=bar\nbar=baz',
      {
        VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE',
        foo: 'bar',
        bar: 'baz',
      },
    ],
    ['a bare key the lookup lacks is left out', 'VARIABLE_NOT_FOUND\nfoo=bar\n', { foo: 'bar' }],
    ['a bare key ignores earlier keys of the file', 'foo=bar\nfoo\n', { foo: 'bar' }],
    ['a bare key with CRLF', 'VAR_TO_BE_LOADED_FROM_OS_ENV\r\n', { VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' }],
  ])('%s', (_name, text, vars) => {
    expect(varsOf(text, envOf({ VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' }))).toEqual(vars);
  });
});

describe('parseDotenv: fixtures', () => {
  it('plain.env', () => {
    const text =
      'OPTION_A=1\nOPTION_B=2\nOPTION_C= 3\nOPTION_D =4\nOPTION_E = 5\nOPTION_F = \nOPTION_G=\nOPTION_H = my string # Inline comment\n';
    expect(varsOf(text)).toEqual({
      OPTION_A: '1',
      OPTION_B: '2',
      OPTION_C: '3',
      OPTION_D: '4',
      OPTION_E: '5',
      OPTION_F: '',
      OPTION_G: '',
      OPTION_H: 'my string',
    });
  });

  it('quoted.env', () => {
    const text = [
      "OPTION_A='1'",
      "OPTION_B='2'",
      "OPTION_C=''",
      String.raw`OPTION_D='\n'`,
      'OPTION_E="1"',
      'OPTION_F="2"',
      'OPTION_G=""',
      String.raw`OPTION_H="\n"`,
      `OPTION_I = "echo 'asd'"`,
      "OPTION_J = 'first line",
      'second line',
      'third line',
      "and so on'",
      'OPTION_Z = "last value"',
      '',
    ].join('\n');
    expect(varsOf(text)).toEqual({
      OPTION_A: '1',
      OPTION_B: '2',
      OPTION_C: '',
      OPTION_D: String.raw`\n`,
      OPTION_E: '1',
      OPTION_F: '2',
      OPTION_G: '',
      OPTION_H: '\n',
      OPTION_I: "echo 'asd'",
      OPTION_J: 'first line\nsecond line\nthird line\nand so on',
      OPTION_Z: 'last value',
    });
  });
});

describe('parseDotenv: errors', () => {
  const NAME_HINT = 'a variable name may hold letters, digits, "_", ".", "-", "[" and "]"';
  it.each([
    // TestParseVariable and the badly formatted line of TestParsing
    ['%!(EXTRA string)=foo', 'unexpected character "%" in variable name "%!(EXTRA string)=foo"', 1, 1, NAME_HINT],
    ['lol$wut', 'unexpected character "$" in variable name "lol$wut"', 1, 4, NAME_HINT],
    ['A=1\n  export B$=2', 'unexpected character "$" in variable name "B$=2"', 2, 11, NAME_HINT],
    ['\uFEFF%=1', 'unexpected character "%" in variable name "%=1"', 1, 1, NAME_HINT],
    // TestErrorParsing (fixtures/invalid1.env fails on line 7)
    [
      'A=1\n\n# c\nB=2\n\nC="3"\nKEY NAME=x',
      'variable name "KEY NAME" cannot contain a space',
      7,
      1,
      'use "_" instead of spaces',
    ],
    ['A="x\ny"\n  B C=1', 'variable name "B C" cannot contain a space', 3, 3, 'use "_" instead of spaces'],
    ['export   ', 'expected a variable name after "export"', 1, 1, undefined],
    // TestUnterminatedQuotes
    ['KEY="', 'unterminated quoted value "', 1, 5, 'close the value with "'],
    ['KEY="value', 'unterminated quoted value "value', 1, 5, 'close the value with "'],
    [String.raw`KEY="value\"`, String.raw`unterminated quoted value "value\"`, 1, 5, 'close the value with "'],
    [`KEY="value'`, `unterminated quoted value "value'`, 1, 5, 'close the value with "'],
    ["KEY='", "unterminated quoted value '", 1, 5, "close the value with '"],
    ["KEY='value", "unterminated quoted value 'value", 1, 5, "close the value with '"],
    [String.raw`KEY='value\'`, String.raw`unterminated quoted value 'value\'`, 1, 5, "close the value with '"],
    [`KEY='value"`, `unterminated quoted value 'value"`, 1, 5, "close the value with '"],
    ['A=1\nKEY = "two\nlines', 'unterminated quoted value "two', 2, 7, 'close the value with "'],
  ])('%j fails', (text, message, line, column, hint) => {
    const expected: Record<string, unknown> = { ok: false, message, line, column };
    if (hint !== undefined) expected.hint = hint;
    expect(parseDotenv(text, none)).toEqual(expected);
  });

  it.each([
    ['RESULT=${UNSET_VAR:?Test error}', 'required variable UNSET_VAR is missing a value: Test error', 1, 8],
    [
      'A=1\nEMPTY_VAR=\nRESULT=${EMPTY_VAR:?Test error}',
      'required variable EMPTY_VAR is missing a value: Test error',
      3,
      8,
    ],
    ['RESULT=x ${UNSET_VAR?Test error}', 'required variable UNSET_VAR is missing a value: Test error', 1, 10],
    // the column of a double-quoted value is found through its escapes
    ['X="a\\tb ${NEED:?}"', 'required variable NEED is missing a value', 1, 9],
    ['X="one\ntwo ${NEED?}"', 'required variable NEED is missing a value', 2, 5],
  ])('%j fails on a required variable', (text, message, line, column) => {
    expect(parseDotenv(text, none)).toMatchObject({ ok: false, message, line, column });
  });

  it.each([
    ['A=${', 1, 3],
    ['A=1\nB=x ${ B}', 2, 5],
    ['A="${}"', 1, 4],
  ])('%j fails on an invalid interpolation', (text, line, column) => {
    expect(parseDotenv(text, none)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^invalid interpolation format for /),
      hint: 'use "$$" for a literal "$"',
      line,
      column,
    });
  });
});

describe('parseDotenv: large input', () => {
  it('parses 50,000 lines', () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `KEY_${i}="value ${i} \${KEY_0}" # c`).join('\n');
    const result = parseDotenv(text, none);
    expect(result.ok && result.vars.size).toBe(50_000);
    expect(result.ok && result.vars.get('KEY_49999')).toBe('value 49999 value 0 ');
  });
});
