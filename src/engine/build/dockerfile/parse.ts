// parseDockerfile: text to stages. Reads logical lines, reads heredoc bodies, types each instruction and groups
// them under their FROM; ARGs before the first FROM become global args. Pure: no fs, throws DockerfileError.
import { newDirectiveState } from './directives.js';
import { failAt, type ErrorSite } from './errors.js';
import { parseFrom } from './from.js';
import { chompHeredoc, heredocMarkersOf } from './heredoc.js';
import { checkKeyword, parseInstruction, takesHeredocs } from './instruction.js';
import { createLineReader, type LineReader, type LogicalLine } from './read-lines.js';
import { splitCommand, type CommandParts } from './split-command.js';
import type { Dockerfile, GlobalArg, Heredoc, SourcePos, Stage } from './types.js';

/** Parse a whole Dockerfile. `file` only names the file in errors and in the result. */
export function parseDockerfile(text: string, file = 'Dockerfile'): Dockerfile {
  const directives = newDirectiveState();
  const reader = createLineReader(text, file, directives);
  const stages: Stage[] = [];
  const globalArgs: GlobalArg[] = [];
  const stageNames = new Map<string, SourcePos>();
  let sawInstruction = false;
  for (let line = reader.next(); line !== undefined; line = reader.next()) {
    sawInstruction = true;
    const site: ErrorSite = { file, at: line.at };
    const parts = splitCommand(line.text);
    const kind = checkKeyword(parts.keyword, site);
    const heredocs = takesHeredocs(kind, parts, site) ? readHeredocs(reader, line, site) : [];
    const original = line.text.trimEnd();
    if (kind === 'FROM') {
      stages.push(newStage(parts, site, original, stages.length, stageNames));
      continue;
    }
    const instruction = parseInstruction({ kind, parts, site, original, escape: directives.escape, heredocs });
    const stage = stages[stages.length - 1];
    if (stage !== undefined) stage.instructions.push(instruction);
    else if (instruction.kind === 'ARG') globalArgs.push(...instruction.args.map((a) => ({ ...a, at: line.at })));
    else failAt(site, `${kind} before the first FROM: only ARG may come before FROM`, 'add FROM <image> above it');
  }
  if (stages.length === 0) {
    const at = { file, at: { line: Math.max(1, reader.lastLine()), column: 1 } };
    if (!sawInstruction) failAt(at, 'file with no instructions', 'start the Dockerfile with FROM <image>');
    failAt(at, 'the Dockerfile has no FROM instruction', 'add FROM <image> after the global ARGs');
  }
  const syntax = directives.syntax === undefined ? {} : { syntax: directives.syntax };
  return { file, escape: directives.escape, ...syntax, globalArgs, stages };
}

function newStage(
  parts: CommandParts,
  site: ErrorSite,
  original: string,
  index: number,
  names: Map<string, SourcePos>,
): Stage {
  const from = parseFrom(parts, site);
  if (from.name !== undefined) {
    const first = names.get(from.name);
    if (first !== undefined) {
      failAt(
        site,
        `duplicate stage name "${from.name}"`,
        `stage "${from.name}" is already defined at line ${first.line}`,
      );
    }
    names.set(from.name, site.at);
  }
  const platform = from.platform === undefined ? {} : { platform: from.platform };
  return {
    index,
    ...(from.name === undefined ? {} : { name: from.name }),
    from: { image: from.image, ...platform, at: site.at, original },
    instructions: [],
  };
}

// Bodies follow the instruction line in marker order; each ends at a line equal to its name.
function readHeredocs(reader: LineReader, line: LogicalLine, site: ErrorSite): Heredoc[] {
  return heredocMarkersOf(line.text).map((marker) => {
    const content = reader.readHeredoc(marker.name, marker.chomp);
    if (content === undefined) {
      failAt(site, 'unterminated heredoc', `end the heredoc with a line holding only ${marker.name}`);
    }
    return { ...marker, content: marker.chomp ? chompHeredoc(content) : content };
  });
}
