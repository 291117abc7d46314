// Dispatch of one instruction line to its parser, the keyword check (with "did you mean") and ONBUILD.
import { failAt, type ErrorSite } from './errors.js';
import { parseCmdOrEntrypoint, parseHealthcheck, parseRun, parseShell, jsonOrFail } from './instruction-commands.js';
import { parseCopyOrAdd, parseExpose, parseSingleValue, parseVolume } from './instruction-files.js';
import type { InstructionInput } from './instruction-input.js';
import { parseArg, parsePairs } from './instruction-pairs.js';
import { parseFlags } from './flags.js';
import { splitCommand, type CommandParts } from './split-command.js';
import { closestMatch } from './suggest.js';
import type { Instruction } from './types.js';

/** Every instruction keyword of the Dockerfile reference, upper case. */
export const INSTRUCTION_KEYWORDS: readonly string[] = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
];

/** The keyword upper-cased (instructions are case-insensitive), or an "unknown instruction" error. */
export function checkKeyword(keyword: string, site: ErrorSite): string {
  const kind = keyword.toUpperCase();
  if (INSTRUCTION_KEYWORDS.includes(kind)) return kind;
  const near = closestMatch(keyword, INSTRUCTION_KEYWORDS);
  const hint =
    near === undefined ? 'see the Dockerfile reference for the list of instructions' : `did you mean ${near}?`;
  return failAt(site, `unknown instruction "${keyword}"`, hint);
}

/** Whether heredoc bodies follow this line: RUN, COPY, ADD (also as an ONBUILD trigger) in shell form. */
export function takesHeredocs(kind: string, parts: CommandParts, site: ErrorSite): boolean {
  if (kind === 'ONBUILD') {
    const sub = splitCommand(parts.rest);
    return sub.keyword !== '' && takesHeredocs(sub.keyword.toUpperCase(), sub, site);
  }
  return (kind === 'RUN' || kind === 'COPY' || kind === 'ADD') && jsonOrFail(parts.rest, site) === undefined;
}

/** Type one instruction other than FROM (the caller turns FROM into a stage). */
export function parseInstruction(input: InstructionInput): Instruction {
  switch (input.kind) {
    case 'RUN':
      return parseRun(input);
    case 'CMD':
    case 'ENTRYPOINT':
      return parseCmdOrEntrypoint(input, input.kind);
    case 'SHELL':
      return parseShell(input);
    case 'HEALTHCHECK':
      return parseHealthcheck(input);
    case 'COPY':
    case 'ADD':
      return parseCopyOrAdd(input, input.kind);
    case 'VOLUME':
      return parseVolume(input);
    case 'EXPOSE':
      return parseExpose(input);
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      return parseSingleValue(input, input.kind);
    case 'ENV':
    case 'LABEL':
      return parsePairs(input, input.kind);
    case 'ARG':
      return parseArg(input);
    case 'ONBUILD':
      return parseOnbuild(input);
    default:
      return failAt(input.site, `${input.kind} is not allowed here`);
  }
}

function parseOnbuild(input: InstructionInput): Instruction {
  const { site, parts } = input;
  parseFlags(parts.flagWords, 'ONBUILD', site);
  if (parts.rest === '') failAt(site, 'ONBUILD requires at least one argument', 'write ONBUILD <instruction>');
  const sub = splitCommand(parts.rest);
  const subSite = { file: site.file, at: { line: site.at.line, column: site.at.column + parts.restOffset } };
  const kind = checkKeyword(sub.keyword, subSite);
  if (kind === 'ONBUILD') {
    failAt(site, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", 'give the trigger instruction once');
  }
  if (kind === 'FROM' || kind === 'MAINTAINER') {
    failAt(
      site,
      `${kind} isn't allowed as an ONBUILD trigger`,
      'ONBUILD takes any instruction but ONBUILD, FROM and MAINTAINER',
    );
  }
  const trigger = parseInstruction({ ...input, kind, parts: sub, site: subSite, original: parts.rest });
  return { at: site.at, original: input.original, kind: 'ONBUILD', trigger };
}
