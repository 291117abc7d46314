// RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK: instructions whose arguments are a command in shell or exec form.
import { failAt, type ErrorSite } from './errors.js';
import { parseDuration } from './duration.js';
import { flagValues, parseFlags } from './flags.js';
import type { InstructionInput } from './instruction-input.js';
import { NOT_STRING_ARRAY, parseJsonForm } from './json-form.js';
import { isGoSpace } from './text.js';
import type { Instruction } from './types.js';

/** Shell or exec form of a command: exec when the text is a JSON array of strings, else the text itself. */
export function commandForm(rest: string, site: ErrorSite): { form: 'shell' | 'exec'; args: string[] } {
  const json = jsonOrFail(rest, site);
  if (json !== undefined) return { form: 'exec', args: json };
  return { form: 'shell', args: rest === '' ? [] : [rest] };
}

export function jsonOrFail(rest: string, site: ErrorSite): string[] | undefined {
  try {
    return parseJsonForm(rest);
  } catch {
    return failAt(site, NOT_STRING_ARRAY, 'quote every element, e.g. ["sh", "-c", "echo 1"]');
  }
}

export function parseRun(input: InstructionInput): Instruction {
  const { flags, flagList } = parseFlags(input.parts.flagWords, 'RUN', input.site);
  const { form, args } = commandForm(input.parts.rest, input.site);
  // Docker's parser lets an empty RUN through and the build then runs an empty command; we refuse it early.
  if (args.length === 0 && input.heredocs.length === 0) {
    failAt(input.site, 'RUN requires at least one argument', 'write the command to run after RUN');
  }
  const base = { at: input.site.at, original: input.original };
  return {
    ...base,
    kind: 'RUN',
    form,
    args,
    heredocs: input.heredocs,
    flags,
    flagList,
    mounts: flagValues(flagList, 'mount'),
  };
}

export function parseCmdOrEntrypoint(input: InstructionInput, kind: 'CMD' | 'ENTRYPOINT'): Instruction {
  parseFlags(input.parts.flagWords, kind, input.site);
  return { at: input.site.at, original: input.original, kind, ...commandForm(input.parts.rest, input.site) };
}

export function parseShell(input: InstructionInput): Instruction {
  parseFlags(input.parts.flagWords, 'SHELL', input.site);
  const { form, args } = commandForm(input.parts.rest, input.site);
  const example = 'write it as a JSON array, e.g. SHELL ["/bin/bash", "-c"]';
  if (args.length === 0) failAt(input.site, 'SHELL requires at least one argument', example);
  if (form !== 'exec') failAt(input.site, 'SHELL requires the arguments to be in JSON form', example);
  return { at: input.site.at, original: input.original, kind: 'SHELL', args };
}

export function parseHealthcheck(input: InstructionInput): Instruction {
  const { rest } = input.parts;
  const base = { at: input.site.at, original: input.original, kind: 'HEALTHCHECK' as const };
  let sep = 0;
  while (sep < rest.length && !isGoSpace(rest[sep]!)) sep++;
  const type = rest.slice(0, sep).toUpperCase();
  const command = rest.slice(sep).trimStart();
  const usage = 'write HEALTHCHECK [--interval=…] CMD <command> or HEALTHCHECK NONE';
  if (type === '') failAt(input.site, 'HEALTHCHECK requires at least one argument', usage);
  if (type === 'NONE') {
    // Docker reads no flags for NONE, so flags given with it are ignored rather than rejected.
    if (command !== '') failAt(input.site, 'HEALTHCHECK NONE takes no arguments', 'remove the words after NONE');
    return { ...base, none: true };
  }
  const { flags } = parseFlags(input.parts.flagWords, 'HEALTHCHECK', input.site);
  if (type !== 'CMD') failAt(input.site, `Unknown type "${type}" in HEALTHCHECK (try CMD)`, usage);
  const { form, args } = commandForm(command, input.site);
  if (args.length === 0) failAt(input.site, 'Missing command after HEALTHCHECK CMD', usage);
  checkHealthFlags(flags, input.site);
  return { ...base, none: false, flags, form, args };
}

function checkHealthFlags(flags: Record<string, string | true>, site: ErrorSite): void {
  for (const name of ['interval', 'timeout', 'start-period', 'start-interval']) {
    const value = flags[name];
    if (typeof value !== 'string' || value === '') continue;
    const ns = parseDuration(value);
    if (ns === undefined)
      failAt(site, `time: invalid duration "${value}"`, `write --${name} as e.g. 30s, 1m30s or 500ms`);
    if (ns !== 0 && ns < 1e6)
      failAt(site, `Interval "${name}" cannot be less than 1ms`, `use at least 1ms, or 0 for the default`);
  }
  const retries = flags.retries;
  if (typeof retries !== 'string' || retries === '') return;
  if (!/^[+-]?[0-9]+$/.test(retries) || Math.abs(Number(retries)) > 2 ** 31 - 1) {
    failAt(site, `strconv.ParseInt: parsing "${retries}": invalid syntax`, 'write --retries as a whole number');
  }
  if (Number(retries) < 0) failAt(site, `--retries cannot be negative (${Number(retries)})`, 'use 0 or more');
}
