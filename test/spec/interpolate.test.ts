// Cases ported from compose-go v2 template/template_test.go (FOO=first, BAR="" as there), plus each of the eight
// forms against a set, an unset and an empty variable, and compose-go's quirks pinned down.
import { describe, expect, it } from 'vitest';
import { interpolate, type Lookup } from '../../src/spec/interpolate.js';

const env: Record<string, string> = { FOO: 'first', BAR: '' };
const lookup: Lookup = (name) => env[name];

const INVALID_HINT = 'use "$$" for a literal "$"';

describe('interpolate: values', () => {
  it.each([
    // TestEscaped, TestSubstituteNoMatch, TestUnescaped
    ['$${foo}', '${foo}'],
    ['foo', 'foo'],
    ['a $ string', 'a $ string'],
    ['^REGEX$', '^REGEX$'],
    ['$}', '$}'],
    ['$', '$'],
    ['$1 $- $:', '$1 $- $:'],
    ['$$', '$'],
    ['$$$FOO', '$first'],
    // TestNonBraced (docker/compose#8601) and the named form stopping at the first non-name character
    ['$FOO-bar', 'first-bar'],
    ['$FOO.bar', 'first.bar'],
    ['${FOO}bar', 'firstbar'],
    // TestValueNoDefault, TestNoValueWithDefault, TestEmptyValueWithSoftDefault, TestValueWithSoftDefault
    ['This $FOO var', 'This first var'],
    ['This ${FOO} var', 'This first var'],
    ['This ${BAR} var', 'This  var'],
    ['ok ${missing:-def}', 'ok def'],
    ['ok ${missing-def}', 'ok def'],
    ['ok ${BAR:-def}', 'ok def'],
    ['ok ${FOO:-def}', 'ok first'],
    ['ok ${BAR-def}', 'ok '],
    // TestPresentValue*
    ['ok ${UNSET_VAR:+presence_value}', 'ok '],
    ['ok ${UNSET_VAR+presence_value}', 'ok '],
    ['ok ${FOO:+presence_value}', 'ok presence_value'],
    ['ok ${FOO+presence_value}', 'ok presence_value'],
    ['ok ${BAR+presence_value}', 'ok presence_value'],
    ['ok ${BAR:+presence_value}', 'ok '],
    // TestNonAlphanumericDefault
    ['ok ${BAR:-/non:-alphanumeric}', 'ok /non:-alphanumeric'],
    // TestInterpolationExternalInterference
    ['-ok ${BAR:-defaultValue}', '-ok defaultValue'],
    ['+ok ${UNSET:-${BAR-defaultValue}}', '+ok '],
    ['-ok ${FOO:-defaultValue}', '-ok first'],
    [':-ok ${UNSET-defaultValue}', ':-ok defaultValue'],
    [':-ok ${BAR-defaultValue}', ':-ok '],
    [':?ok ${BAR-defaultValue}', ':?ok '],
    [':?ok ${BAR:-defaultValue}', ':?ok defaultValue'],
    [':+ok ${BAR:-defaultValue}', ':+ok defaultValue'],
    ['+ok ${BAR-defaultValue}', '+ok '],
    ['?ok ${BAR:-defaultValue}', '?ok defaultValue'],
    // TestDefaultsWithNestedExpansion
    ['ok ${UNSET_VAR-$FOO}', 'ok first'],
    ['ok ${UNSET_VAR-${FOO}}', 'ok first'],
    ['ok ${UNSET_VAR-${FOO} ${FOO}}', 'ok first first'],
    ['ok ${BAR:-$FOO}', 'ok first'],
    ['ok ${BAR:-${FOO}}', 'ok first'],
    ['ok ${BAR:-${FOO} ${FOO}}', 'ok first first'],
    ['ok ${BAR+$FOO}', 'ok first'],
    ['ok ${BAR+$FOO ${FOO:+second}}', 'ok first second'],
    ['${A:-${B:-x}}', 'x'],
    ['${A:-${B:-${FOO}}}-${C:-y}', 'first-y'],
    ['${UNSET:-$$FOO}', '$FOO'],
    // TestDefaultsForMandatoryVariables
    ['ok ${FOO:?err}', 'ok first'],
    ['ok ${FOO?err}', 'ok first'],
    ['ok ${BAR?err}', 'ok '],
    // TestPrecedence: the operator is the one right after the name
    ['${UNSET_VAR-myerror?msg}', 'myerror?msg'],
    ['${FOO?bar-baz}', 'first'],
    ['${BAR:-default_value_for_empty_var}', 'default_value_for_empty_var'],
    ['${UNSET_VAR-default_value_for_unset_var}', 'default_value_for_unset_var'],
  ])('%j gives %j', (text, value) => {
    expect(interpolate(text, lookup)).toMatchObject({ ok: true, value });
  });
});

describe('interpolate: the eight forms against FOO (set), UNSET and BAR (empty)', () => {
  const required = (name: string) => ({
    ok: false,
    message: `required variable ${name} is missing a value: err`,
    hint: `set ${name} in the environment or in the .env file`,
    offset: 0,
  });
  it.each([
    ['$V', 'first', '', ''],
    ['${V}', 'first', '', ''],
    ['${V:-d}', 'first', 'd', 'd'],
    ['${V-d}', 'first', 'd', ''],
    ['${V:+a}', 'a', '', ''],
    ['${V+a}', 'a', '', 'a'],
    ['${V:?err}', 'first', required('UNSET'), required('BAR')],
    ['${V?err}', 'first', required('UNSET'), ''],
  ])('%s', (form, set, unset, empty) => {
    const expected = [set, unset, empty].map((want) => (typeof want === 'string' ? { ok: true, value: want } : want));
    const actual = ['FOO', 'UNSET', 'BAR'].map((name) => interpolate(form.replace('V', name), lookup));
    expect(actual).toMatchObject(expected);
  });
});

describe('interpolate: missing variables', () => {
  it.each([
    ['This ${missing} var', ['missing']],
    ['$A $B ${A} $FOO', ['A', 'B']],
    ['${BAR}', []],
    ['${UNSET:-x} ${UNSET-x} ${UNSET:+x} ${UNSET+x}', []],
    // compose-go substitutes a default even when the variable is set, and warns about what it holds
    ['${FOO:-$NOPE}', ['NOPE']],
    ['${UNSET:-${INNER}}', ['INNER']],
  ])('%j misses %j', (text, missing) => {
    expect(interpolate(text, lookup)).toMatchObject({ ok: true, missing });
  });
});

describe('interpolate: errors', () => {
  it.each([
    // TestInvalid
    ['${', 0],
    ['${}', 0],
    ['${ }', 0],
    ['${ foo}', 0],
    ['${foo }', 0],
    ['${foo!}', 0],
    ['${VAR', 0],
    ['${VAR:x}', 0],
    ['${VAR:-x', 0],
    ['a ${1}', 2],
    ['ok $FOO ${}', 8],
    // the body of a default must close on its own line
    ['${UNSET:-a\n}', 0],
    // an error in a default fails even when the default is not used
    ['${FOO:-${}}', 7],
    ['${UNSET:-x} ${', 12],
  ])('%j is invalid at %i', (text, offset) => {
    expect(interpolate(text, lookup)).toEqual({
      ok: false,
      message: `invalid interpolation format for ${JSON.stringify(text)}`,
      hint: INVALID_HINT,
      offset,
    });
  });

  it('quotes only an excerpt of a long input', () => {
    const text = `${'x'.repeat(100)}\${oops`;
    expect(interpolate(text, lookup)).toEqual({
      ok: false,
      message: 'invalid interpolation format for "${oops..."',
      hint: INVALID_HINT,
      offset: 100,
    });
  });

  it.each([
    // TestMandatoryVariableErrors and TestMandatoryVariableErrorsWithNestedExpansion
    ['not ok ${UNSET_VAR:?Mandatory Variable Unset}', 'UNSET_VAR', ': Mandatory Variable Unset', 7],
    ['not ok ${BAR:?Mandatory Variable Empty}', 'BAR', ': Mandatory Variable Empty', 7],
    ['not ok ${UNSET_VAR:?}', 'UNSET_VAR', '', 7],
    ['not ok ${UNSET_VAR?Mandatory Variable Unset}', 'UNSET_VAR', ': Mandatory Variable Unset', 7],
    ['not ok ${UNSET_VAR?}', 'UNSET_VAR', '', 7],
    ['not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}', 'UNSET_VAR', ': Mandatory Variable first', 7],
    ['not ok ${UNSET_VAR?Mandatory Variable ${FOO}}', 'UNSET_VAR', ': Mandatory Variable first', 7],
    ['${UNSET_VAR?bar-baz}', 'UNSET_VAR', ': bar-baz', 0],
    // a required variable inside an unused default still fails, at its own offset
    ['x ${FOO:-${NEED:?now}}', 'NEED', ': now', 9],
    ['$FOO ${A:-1} ${B:?}', 'B', '', 13],
  ])('%j requires %s', (text, name, reason, offset) => {
    expect(interpolate(text, lookup)).toEqual({
      ok: false,
      message: `required variable ${name} is missing a value${reason}`,
      hint: `set ${name} in the environment or in the .env file`,
      offset,
    });
  });
});

describe('interpolate: how compose-go cuts a braced expression', () => {
  it.each([
    // the expression runs to the last "}" of the line, then is cut at the "}" balancing its "{"
    ['${UNSET:-a} and ${FOO}', 'a and first'],
    ['${UNSET:-a}${UNSET:-b}', 'ab'],
    ['${FOO:-x}}', 'first}'],
    ['${FOO}}', 'first}'],
    // each "{" also swallows the next character, so "{}" only opens, and an unbalanced body runs to the last "}"
    ['${UNSET:-{}}', '{}'],
    ['${UNSET:-{x}}', '{x}'],
    ['${UNSET:-{}} tail}', '{}} tail'],
    ['${UNSET:-{"a":1}}', '{"a":1}'],
    ['${UNSET:-$}', '$'],
    ['${UNSET:-a}\n${UNSET:-b}', 'a\nb'],
  ])('%j gives %j', (text, value) => {
    expect(interpolate(text, lookup)).toMatchObject({ ok: true, value });
  });
});

describe('interpolate: large inputs', () => {
  it('substitutes a 1 MB string with 50,000 expressions', () => {
    const count = 50_000;
    const text = '${FOO:-d} $BAR $$ ${UNSET-u} '.repeat(count);
    expect(text.length).toBeGreaterThan(1_000_000);
    const result = interpolate(text, lookup);
    expect(result).toEqual({ ok: true, value: 'first  $ u '.repeat(count), missing: [] });
  });

  it('handles expressions nested 100,000 deep', () => {
    const depth = 100_000;
    const text = `${'${UNSET:-'.repeat(depth)}x${'}'.repeat(depth)}`;
    expect(interpolate(text, lookup)).toEqual({ ok: true, value: 'x', missing: [] });
  });

  it('handles 100,000 expressions on one line, each cut from the rest', () => {
    const text = '${UNSET:-x}'.repeat(100_000);
    expect(interpolate(text, lookup)).toEqual({ ok: true, value: 'x'.repeat(100_000), missing: [] });
  });
});
