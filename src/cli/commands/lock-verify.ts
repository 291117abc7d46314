// `berth lock --verify`: builds each built service twice from the lock, the second time without any build cache,
// and reports the services whose two images differ (a RUN that downloads without pinning, a tool that writes the
// time), naming the first layer that differs. Without the cache every step runs again, as on a fresh data root.
import { BerthError } from '../../errors.js';
import type { Service } from '../../spec/model.js';
import { buildServices } from '../build-services.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { openSession } from '../stack-session.js';

export interface VerifyResult {
  service: string;
  reproducible: boolean;
  why?: string;
}

export async function lockVerifyCommand(ctx: CliContext, global: ProjectOptions): Promise<void> {
  const session = await openSession(ctx, global, [], 'use');
  try {
    if (session.lock === undefined) {
      throw new BerthError('LOCK_MISSING', 'there is no lock file to verify', { hint: 'run `berth lock` first' });
    }
    const built = (Object.values(session.stack.services) as Service[]).filter((s) => s.build !== undefined);
    const results: VerifyResult[] = [];
    for (const { name } of built.sort((a, b) => a.name.localeCompare(b.name))) {
      const first = (await buildServices(ctx, session, [name], { quiet: true }))[name] as string;
      const second = (await buildServices(ctx, session, [name], { quiet: true, noCache: true }))[name] as string;
      results.push(await compare(session.client, name, first, second));
    }
    for (const r of results)
      ctx.stdout(`${r.service}: ${r.reproducible ? 'reproducible' : `NOT reproducible: ${r.why}`}\n`);
    const bad = results.filter((r) => !r.reproducible);
    if (bad.length > 0) {
      throw new BerthError(
        'LOCK_NOT_REPRODUCIBLE',
        `${bad.length} of ${results.length} built service(s) gave another image when rebuilt without the cache: ${bad.map((r) => r.service).join(', ')}`,
        { hint: 'pin what those steps download, and fix times a tool writes (SOURCE_DATE_EPOCH is set for builds)' },
      );
    }
  } finally {
    session.client.close();
  }
}

async function compare(
  client: { images: { inspect(ref: string): Promise<{ layers: string[] } | undefined> } },
  service: string,
  a: string,
  b: string,
): Promise<VerifyResult> {
  if (a === b) return { service, reproducible: true };
  const [la, lb] = [(await client.images.inspect(a))?.layers ?? [], (await client.images.inspect(b))?.layers ?? []];
  const i = la.findIndex((l, n) => lb[n] !== l);
  const where =
    i < 0 && la.length === lb.length
      ? 'the layers are the same, the image settings differ'
      : `layer ${(i < 0 ? la.length : i) + 1} of ${Math.max(la.length, lb.length)} differs`;
  return { service, reproducible: false, why: `${where} (image ${a.slice(7, 19)} then ${b.slice(7, 19)})` };
}
