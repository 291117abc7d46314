// Base images a build needs that nothing can pull: a `FROM debian:<suite>[-slim]` that is missing on the engine,
// where no registry answers, is made from the host's Debian mirror (bootstrap.ts), and the user is told so in
// one line. Other bases are left to the engine, which pulls them or says why it cannot.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { EngineClient } from '../../client/types.js';
import type { Build } from '../../spec/model.js';
import type { CliContext } from '../context.js';
import { bootstrapImage } from './bootstrap.js';
import { requestFor } from './plan.js';

export { fromImages } from '../../shared/dockerfile-from.js';

const DEBIAN = /^(?:docker\.io\/)?(?:library\/)?debian:[a-z]+(?:-slim)?$/;

/** The Dockerfile of a build: inline, or read from a local context; undefined for a remote context. */
export function readDockerfile(build: Build): string | undefined {
  if (build.dockerfile_inline !== undefined) return build.dockerfile_inline;
  const file = build.dockerfile ?? 'Dockerfile';
  const path = isAbsolute(file) ? file : join(build.context, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Makes each missing `debian:<suite>[-slim]` of `refs` that the engine cannot pull. */
export async function ensureDebianBases(ctx: CliContext, client: EngineClient, refs: readonly string[]): Promise<void> {
  for (const ref of refs.filter((r) => DEBIAN.test(r))) {
    if ((await client.images.inspect(ref)) !== undefined) continue;
    if (await pulls(client, ref)) continue;
    const result = await bootstrapImage(client, requestFor(ref, {}), {
      aptDir: ctx.env.BERTH_APT_DIR,
      env: ctx.env,
      signal: ctx.signal,
    });
    ctx.stderr(
      `[+] ${ref} is not on the engine and no registry answered: made it from the Debian mirror ` +
        `${result.sources[0]?.uri ?? ''} with mmdebstrap (${result.packages} packages, ${result.seconds}s); ` +
        `\`berth image bootstrap ${ref}\` does it alone\n`,
    );
  }
}

/** Whether a pull of `ref` succeeds within a short time (no registry answers on many of our machines). */
async function pulls(client: EngineClient, ref: string): Promise<boolean> {
  try {
    await client.images.pull(ref, { signal: AbortSignal.timeout(20_000) });
    return (await client.images.inspect(ref)) !== undefined;
  } catch {
    return false; // refused, failed or timed out alike: the mirror makes it instead
  }
}
