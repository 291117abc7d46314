// `berth lock --verify`: builds each built service from the lock on the engine, then again in a scratch berthd (a
// data root of its own, from nothing: the pinned bases are pulled there by digest), and reports the services whose
// two images differ (a RUN that downloads without pinning, a tool that writes the time), naming the first layer
// that differs. A service on a local-only base (no registry has it) is rebuilt without the cache on the engine
// instead, which runs every step again all the same.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerEngineClient } from '../../client/docker/client.js';
import type { EngineClient } from '../../client/types.js';
import { BerthError } from '../../errors.js';
import type { Service } from '../../spec/model.js';
import { buildServices } from '../build-services.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { type StackSession, openSession } from '../stack-session.js';
import { engineStart, engineStop } from './engine.js';

export interface VerifyResult {
  service: string;
  reproducible: boolean;
  why?: string;
  /** How the second build ran. */
  where?: string;
}

interface Scratch {
  client: EngineClient;
  close(): Promise<void>;
}

/** A berthd of its own on a fresh data root in a temporary folder, stopped and removed by `close`. */
async function scratchEngine(): Promise<Scratch> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-verify-'));
  const settings = { root: join(dir, 'root'), socket: join(dir, 'berthd.sock') };
  await engineStart(settings);
  const client = dockerEngineClient(settings.socket);
  return {
    client,
    close: async () => {
      client.close();
      const pid = Number.parseInt(readFileSync(join(settings.root, 'berthd.pid'), 'utf8'), 10);
      await engineStop(settings);
      // berthd writes its last log line after its socket is gone: wait for this berthd (ours) to exit first.
      for (let i = 0; i < 300 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

export async function lockVerifyCommand(ctx: CliContext, global: ProjectOptions): Promise<void> {
  const session = await openSession(ctx, global, [], 'use');
  try {
    if (session.lock === undefined) {
      throw new BerthError('LOCK_MISSING', 'there is no lock file to verify', { hint: 'run `berth lock` first' });
    }
    const built = (Object.values(session.stack.services) as Service[]).filter((s) => s.build !== undefined);
    const results: VerifyResult[] = [];
    let scratch: Scratch | undefined;
    try {
      for (const { name } of built.sort((a, b) => a.name.localeCompare(b.name))) {
        const first = (await buildServices(ctx, session, [name], { quiet: true }))[name] as string;
        const pins = Object.values(session.lock.services[name]?.build?.from ?? {});
        if (pins.some((p) => p.local === true)) {
          const again = (await buildServices(ctx, session, [name], { quiet: true, noCache: true }))[name] as string;
          const r = await compare(session.client, session.client, name, first, again);
          results.push({ ...r, where: 'without the cache (a base is local-only)' });
          continue;
        }
        scratch ??= await scratchEngine();
        const inScratch: StackSession = { ...session, client: scratch.client };
        const again = (await buildServices(ctx, inScratch, [name], { quiet: true }))[name] as string;
        results.push({
          ...(await compare(session.client, scratch.client, name, first, again)),
          where: 'in a scratch root',
        });
      }
    } finally {
      await scratch?.close();
    }
    for (const r of results) {
      const verdict = r.reproducible ? 'reproducible' : `NOT reproducible: ${r.why}`;
      ctx.stdout(`${r.service}: ${verdict} (rebuilt ${r.where})\n`);
    }
    const bad = results.filter((r) => !r.reproducible);
    if (bad.length > 0) {
      throw new BerthError(
        'LOCK_NOT_REPRODUCIBLE',
        `${bad.length} of ${results.length} built service(s) gave another image when rebuilt: ${bad.map((r) => r.service).join(', ')}`,
        { hint: 'pin what those steps download, and fix times a tool writes (SOURCE_DATE_EPOCH is set for builds)' },
      );
    }
  } finally {
    session.client.close();
  }
}

async function compare(
  client: EngineClient,
  other: EngineClient,
  service: string,
  a: string,
  b: string,
): Promise<VerifyResult> {
  if (a === b) return { service, reproducible: true };
  const [la, lb] = [(await client.images.inspect(a))?.layers ?? [], (await other.images.inspect(b))?.layers ?? []];
  const i = la.findIndex((l, n) => lb[n] !== l);
  const where =
    i < 0 && la.length === lb.length
      ? 'the layers are the same, the image settings differ'
      : `layer ${(i < 0 ? la.length : i) + 1} of ${Math.max(la.length, lb.length)} differs`;
  return { service, reproducible: false, why: `${where} (image ${a.slice(7, 19)} then ${b.slice(7, 19)})` };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
