// COPY, ADD, VOLUME, EXPOSE and the single-value instructions (WORKDIR, USER, STOPSIGNAL, MAINTAINER).
import { failAt } from './errors.js';
import { flagValues, parseFlags } from './flags.js';
import { parseHeredocMarker } from './heredoc.js';
import { jsonOrFail } from './instruction-commands.js';
import type { InstructionInput } from './instruction-input.js';
import { splitWhitespace } from './text.js';
import type { Heredoc, Instruction } from './types.js';

export function parseCopyOrAdd(input: InstructionInput, kind: 'COPY' | 'ADD'): Instruction {
  const { site } = input;
  const json = jsonOrFail(input.parts.rest, site);
  const words = json ?? splitWhitespace(input.parts.rest);
  const usage = `write ${kind} <source>... <destination>`;
  if (words.length < 2) {
    const why = `${kind} requires at least two arguments, but only one was provided. Destination could not be determined`;
    failAt(site, words.length === 0 ? `${kind} requires at least two arguments` : why, usage);
  }
  const { flags, flagList } = parseFlags(input.parts.flagWords, kind, site);
  const dest = words[words.length - 1]!;
  // Heredoc markers count only in shell form: the JSON form never reads a heredoc body.
  const marker = (w: string) => (json === undefined ? parseHeredocMarker(w) : undefined);
  if (marker(dest) !== undefined) failAt(site, `${kind} cannot accept a heredoc as a destination`, usage);
  const sources: string[] = [];
  const heredocs: Heredoc[] = [];
  for (const word of words.slice(0, -1)) {
    const m = marker(word);
    if (m === undefined) sources.push(word);
    else heredocs.push(input.heredocs.find((h) => h.name === m.name) ?? { ...m, content: '' });
  }
  const base = { at: site.at, original: input.original };
  return { ...base, kind, sources, dest, heredocs, flags, flagList, excludes: flagValues(flagList, 'exclude') };
}

export function parseVolume(input: InstructionInput): Instruction {
  parseFlags(input.parts.flagWords, 'VOLUME', input.site);
  const values = jsonOrFail(input.parts.rest, input.site) ?? splitWhitespace(input.parts.rest);
  if (values.length === 0) failAt(input.site, 'VOLUME requires at least one argument', 'write VOLUME <path>...');
  if (values.some((v) => v.trim() === '')) {
    failAt(input.site, 'VOLUME specified can not be an empty string', 'remove the empty path');
  }
  return { at: input.site.at, original: input.original, kind: 'VOLUME', values: values.map((v) => v.trim()) };
}

export function parseExpose(input: InstructionInput): Instruction {
  parseFlags(input.parts.flagWords, 'EXPOSE', input.site);
  const values = splitWhitespace(input.parts.rest);
  if (values.length === 0)
    failAt(input.site, 'EXPOSE requires at least one argument', 'write EXPOSE <port>[/<proto>]...');
  return { at: input.site.at, original: input.original, kind: 'EXPOSE', values };
}

/** WORKDIR, USER, STOPSIGNAL, MAINTAINER: the whole rest of the line is the value (spaces included). */
export function parseSingleValue(
  input: InstructionInput,
  kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER',
): Instruction {
  parseFlags(input.parts.flagWords, kind, input.site);
  const value = input.parts.rest;
  const what: Record<typeof kind, string> = {
    WORKDIR: '<path>',
    USER: '<user>[:<group>]',
    STOPSIGNAL: '<signal>',
    MAINTAINER: '<name>',
  };
  if (value === '') failAt(input.site, `${kind} requires exactly one argument`, `write ${kind} ${what[kind]}`);
  return { at: input.site.at, original: input.original, kind, value };
}
