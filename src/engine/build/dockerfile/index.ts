// berthd's Dockerfile parser and word expander: pure functions on text, used by the image builder.
export type {
  Dockerfile,
  FlagList,
  Flags,
  GlobalArg,
  Heredoc,
  Instruction,
  InstructionBase,
  InstructionKind,
  SourcePos,
  Stage,
} from './types.js';
export { parseDockerfile } from './parse.js';
export { expandWord, expandWords } from './lex.js';
export { DockerfileError, DOCKERFILE_PARSE } from './errors.js';
export { parseDuration } from './duration.js';
export { INSTRUCTION_KEYWORDS } from './instruction.js';
export { runCommandOf, type RunCommand } from './run-command.js';
