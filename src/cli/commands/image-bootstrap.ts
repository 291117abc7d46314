// `berth image bootstrap NAME`: a Debian base image made from the host's apt mirror (see cli/bootstrap/). Prints
// one line saying what was made, or that an image with the same inputs is already there.
import { bootstrapImage } from '../bootstrap/bootstrap.js';
import type { BootstrapResult } from '../bootstrap/bootstrap.js';
import { requestFor } from '../bootstrap/plan.js';
import { connectEngine } from '../connect.js';
import type { CliContext, ProjectOptions } from '../context.js';

export interface ImageBootstrapOptions {
  include: string[];
  suite?: string;
  variant?: string;
  mirror?: string;
}

export async function imageBootstrapCommand(
  ctx: CliContext,
  global: ProjectOptions,
  ref: string,
  opts: ImageBootstrapOptions,
): Promise<void> {
  const req = requestFor(ref, {
    suite: opts.suite,
    variant: opts.variant,
    include: opts.include,
  });
  const client = await connectEngine(ctx, global);
  try {
    ctx.stderr(`[+] Bootstrapping ${ref}: Debian ${req.suite} (${req.variant}) with mmdebstrap\n`);
    const debug = ctx.env.BERTH_DEBUG === '1';
    const result = await bootstrapImage(client, req, {
      mirror: opts.mirror,
      aptDir: ctx.env.BERTH_APT_DIR,
      env: ctx.env,
      signal: ctx.signal,
      log: debug ? (l) => ctx.stderr(`  ${l}\n`) : undefined,
    });
    ctx.stdout(bootstrapLine(result));
  } finally {
    client.close();
  }
}

/** The one line telling what was done (also printed by build when it makes a missing base). */
export function bootstrapLine(r: BootstrapResult): string {
  const from = r.sources[0]?.uri ?? 'the mirror';
  if (!r.made) return `${r.ref} is up to date (${r.id.slice(7, 19)}, same suite, packages and mirror date)\n`;
  return `${r.ref} made from ${from} with mmdebstrap: ${r.packages} packages, ${r.id.slice(7, 19)}, in ${r.seconds}s\n`;
}
