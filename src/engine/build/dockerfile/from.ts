// FROM: the base image (raw, may hold $VARS of global ARGs), `--platform` and the optional `AS name`.
import { failAt, type ErrorSite } from './errors.js';
import { parseFlags } from './flags.js';
import type { CommandParts } from './split-command.js';
import { splitWhitespace } from './text.js';

/** A FROM line typed; `name` is lower-cased as Docker does. */
export interface FromLine {
  image: string;
  platform?: string;
  name?: string;
}

// buildkit's validStageName.
const STAGE_NAME = /^[a-z][a-z0-9\-_.]*$/;

export function parseFrom(parts: CommandParts, site: ErrorSite): FromLine {
  const args = splitWhitespace(parts.rest);
  const usage = 'write FROM [--platform=<platform>] <image> [AS <name>]';
  let name: string | undefined;
  if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
    name = args[2]!.toLowerCase();
    if (!STAGE_NAME.test(name)) {
      failAt(
        site,
        `invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`,
        'start with a letter and use only letters, digits, "-", "_" and "."',
      );
    }
  } else if (args.length !== 1) {
    failAt(site, 'FROM requires either one or three arguments', usage);
  }
  const { flags } = parseFlags(parts.flagWords, 'FROM', site);
  const platform = flags.platform;
  return {
    image: args[0]!,
    ...(typeof platform === 'string' ? { platform } : {}),
    ...(name === undefined ? {} : { name }),
  };
}
