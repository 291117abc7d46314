// ENV, LABEL (key/value pairs, old `KEY value` and new `k=v ...` forms) and ARG (`name[=default]` ...).
import { failAt } from './errors.js';
import { parseFlags } from './flags.js';
import type { InstructionInput } from './instruction-input.js';
import { parseWords } from './words.js';
import type { Instruction } from './types.js';

/** ENV or LABEL. Values are raw words (quotes kept); the old form takes the rest of the line as the value. */
export function parsePairs(input: InstructionInput, kind: 'ENV' | 'LABEL'): Instruction {
  const { site } = input;
  parseFlags(input.parts.flagWords, kind, site);
  const rest = input.parts.rest;
  const words = parseWords(rest, input.escape);
  const usage = `write ${kind} <key>=<value> ...`;
  if (words.length === 0) failAt(site, `${kind} requires at least one argument`, usage);
  const base = { at: site.at, original: input.original, kind };
  // Docker picks the form by the first word: no `=` in it means the legacy `KEY value` form.
  if (!words[0]!.includes('=')) {
    const gap = /[\t\v\f\r ]+/.exec(rest);
    if (gap === null) failAt(site, `${kind} must have two arguments`, usage);
    return { ...base, pairs: [{ key: rest.slice(0, gap.index), value: rest.slice(gap.index + gap[0].length) }] };
  }
  const pairs = words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) failAt(site, `Syntax error - can't find = in "${word}". Must be of the form: name=value`, usage);
    if (eq === 0) failAt(site, `${kind} names can not be blank`, usage);
    return { key: word.slice(0, eq), value: word.slice(eq + 1) };
  });
  return { ...base, pairs };
}

/** ARG: one or more `name` or `name=default`; the default is raw (expanded when the ARG is reached). */
export function parseArg(input: InstructionInput): Instruction {
  const { site } = input;
  parseFlags(input.parts.flagWords, 'ARG', site);
  const words = parseWords(input.parts.rest, input.escape);
  if (words.length === 0) failAt(site, 'ARG requires at least one argument', 'write ARG <name>[=<default>]');
  const args = words.map((word) => {
    const eq = word.indexOf('=');
    if (eq === 0) failAt(site, 'ARG names can not be blank', 'write ARG <name>[=<default>]');
    return eq < 0 ? { name: word } : { name: word.slice(0, eq), default: word.slice(eq + 1) };
  });
  return { at: site.at, original: input.original, kind: 'ARG', args };
}
