// Where a flag on berth's command line belongs, decided once for every command, as Compose's cobra decides it:
// - berth's global flags (-f, -p, --profile, ...) come before the command; after it, a command's own flags win,
//   so `berth logs -f web` follows web (-f is --follow there) instead of reading a stack file called "web";
// - `exec` and `run` stop reading flags at SERVICE (cobra's SetInterspersed(false)): everything after it is the
//   container's command, `-h`, `-p x` and all (`berth exec db psql -h 127.0.0.1`), and a `--` there is dropped.
import type { Command } from 'commander';

/** The commands whose arguments after SERVICE are a command line for the container. */
const COMMAND_AFTER_SERVICE = new Set(['exec', 'run']);

/** Applies the rule to `program` and its commands; call it once, after every command is declared. */
export function applyFlagRule(program: Command): Command {
  program.enablePositionalOptions();
  for (const cmd of program.commands) {
    if (COMMAND_AFTER_SERVICE.has(cmd.name())) cmd.passThroughOptions();
  }
  return program;
}

/**
 * The container's command line as typed after SERVICE: a leading `--` only separates it (`exec db -- ls -l`) and is
 * dropped, as Compose drops it; a later `--` is an argument of the command.
 */
export function containerCommand(words: readonly string[]): string[] {
  return words[0] === '--' ? words.slice(1) : [...words];
}
