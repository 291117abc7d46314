// The command-line options of `berth run` turned into the planner's RunOverrides, with Compose's checks and
// messages ("--service-ports and --publish are incompatible", "label must be set as KEY=VALUE").
import { BerthError } from '../../errors.js';
import type { RunOverrides } from '../../planner/container-oneoff.js';
import { splitShellWords } from '../../spec/normalize/convert.js';
import { parsePortShort } from '../../spec/syntax/ports.js';
import type { PortMapping } from '../../spec/model.js';

export interface RunOptions {
  detach?: boolean;
  rm?: boolean;
  env: string[];
  label: string[];
  publish: string[];
  entrypoint?: string;
  user?: string;
  workdir?: string;
  name?: string;
  /** false with --no-deps. */
  deps?: boolean;
  /** false with -T (--no-tty). */
  tty?: boolean;
  /** false with --no-interactive. */
  interactive?: boolean;
  servicePorts?: boolean;
  useAliases?: boolean;
}

/** The overrides of the one-off container; `tty` is decided by the caller (a terminal on both ends, no -T). */
export function runOverrides(
  command: readonly string[],
  opts: RunOptions,
  facts: { tty: boolean; env: Readonly<Record<string, string | undefined>> },
): RunOverrides {
  if (opts.publish.length > 0 && opts.servicePorts) {
    throw new BerthError('CLI_BAD_FLAGS', '--service-ports and --publish are incompatible', {
      hint: 'use one of them',
    });
  }
  const environment: Record<string, string> = {};
  for (const e of opts.env) {
    const eq = e.indexOf('=');
    if (eq >= 0) environment[e.slice(0, eq)] = e.slice(eq + 1);
    else if (facts.env[e] !== undefined) environment[e] = facts.env[e] as string; // unset: dropped, as Compose does
  }
  const labels: Record<string, string> = {};
  for (const l of opts.label) {
    const eq = l.indexOf('=');
    if (eq <= 0) throw new BerthError('CLI_BAD_LABEL', 'label must be set as KEY=VALUE', { hint: `-l ${l}=VALUE` });
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const publish: PortMapping[] = [];
  for (const p of opts.publish) {
    const parsed = parsePortShort(p);
    if (!parsed.ok) throw new BerthError('CLI_BAD_PORT', `--publish ${p}: ${parsed.message}`, { hint: parsed.hint });
    publish.push(...parsed.value);
  }
  return {
    command,
    entrypoint: opts.entrypoint === undefined ? undefined : splitShellWords(opts.entrypoint),
    environment,
    user: opts.user,
    workdir: opts.workdir,
    labels,
    publish,
    servicePorts: opts.servicePorts === true,
    tty: facts.tty,
    interactive: opts.interactive !== false,
    autoRemove: opts.rm === true,
    useAliases: opts.useAliases === true,
  };
}
