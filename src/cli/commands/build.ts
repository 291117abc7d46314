// `berth build`: builds the images of the stack's services that have `build:`, tagged with their `image:` or
// `<project>-<service>`, on whichever engine berth drives.
import { BerthError } from '../../errors.js';
import type { Service } from '../../spec/model.js';
import { buildServices } from '../build-services.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { openSession } from '../stack-session.js';

export interface BuildOptions {
  noCache?: boolean;
  pull?: boolean;
  quiet?: boolean;
  buildArg: string[];
}

export async function buildCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: BuildOptions,
): Promise<void> {
  const session = await openSession(ctx, global, services, 'use', { observe: false });
  try {
    const all = Object.values(session.stack.services) as Service[];
    const named = services.length > 0 ? services : all.map((s) => s.name).sort();
    const buildable = named.filter((n) => session.stack.services[n]?.build !== undefined);
    if (services.length > 0 && buildable.length < services.length) {
      const missing = services.filter((s) => !buildable.includes(s));
      ctx.stderr(`WARN: ${missing.map((s) => `"${s}"`).join(', ')} has no build: section; nothing to build there\n`);
    }
    const built = await buildServices(ctx, session, buildable, {
      noCache: opts.noCache,
      pull: opts.pull,
      quiet: opts.quiet,
      args: parseBuildArgs(opts.buildArg, ctx.env),
    });
    if (opts.quiet) for (const id of Object.values(built)) ctx.stdout(`${id}\n`);
  } finally {
    session.client.close();
  }
}

/** --build-arg KEY=VALUE, or KEY alone for the value from the environment (skipped when unset), as Compose does. */
export function parseBuildArgs(
  flags: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq < 0 ? flag : flag.slice(0, eq);
    if (key === '')
      throw new BerthError('CLI_BAD_BUILD_ARG', `--build-arg "${flag}" has no name`, {
        hint: 'write --build-arg KEY=value',
      });
    const value = eq < 0 ? env[key] : flag.slice(eq + 1);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
