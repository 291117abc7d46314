// What a watch rule does with a batch of changes, on every container of its service: sync (write and delete),
// then restart or exec for `sync+restart`/`sync+exec`; `restart` restarts; `rebuild` is handed to the caller
// (it rebuilds the image and recreates the service through the up path). Each outcome comes back as data.
import { posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ContainerSummary } from '../../client/types.js';
import type { WatchRule } from '../../spec/model.js';
import type { ChangeKind } from './batch.js';
import { deletePaths, runInContainer, writeFiles } from './container-files.js';
import type { FileCopy } from './container-files.js';
import type { WatchEngine } from './engine.js';
import { inside } from './match.js';

/** One thing watch did, for the CLI to print (render-watch.ts) and for tests to check. */
export type WatchEvent =
  | { kind: 'synced'; service: string; container: string; written: number; deleted: number; ms: number }
  | { kind: 'deletes-skipped'; service: string; container: string; count: number }
  | { kind: 'restarted'; service: string; container: string; ms: number }
  | { kind: 'executed'; service: string; container: string; exitCode: number; output: string; ms: number }
  | { kind: 'rebuilt'; service: string; ms: number }
  | { kind: 'no-container'; service: string }
  | { kind: 'failed'; service: string; message: string; hint?: string }
  | { kind: 'stack-applied'; ms: number };

export interface RuleRun {
  engine: WatchEngine;
  service: string;
  rule: WatchRule;
  containers: readonly ContainerSummary[];
  changes: ReadonlyMap<string, ChangeKind>;
  /** performance.now() of the batch's first event: latencies are from the save, not from the batch's end. */
  since: number;
  rebuild: (service: string) => Promise<void>;
  emit: (e: WatchEvent) => void;
}

/** Where a host path under the rule's path goes in the container. */
export function containerPath(rule: WatchRule, host: string): string | undefined {
  const rel = inside(rule.path, host);
  if (rel === undefined || rule.target === undefined) return undefined;
  return rel === '' ? rule.target : posix.join(rule.target, rel);
}

export async function runRule(run: RuleRun): Promise<void> {
  const { rule, service, emit } = run;
  const elapsed = (): number => Math.round(performance.now() - run.since);
  if (rule.action === 'rebuild') {
    await run.rebuild(service);
    emit({ kind: 'rebuilt', service, ms: elapsed() });
    return;
  }
  if (run.containers.length === 0) {
    emit({ kind: 'no-container', service });
    return;
  }
  await Promise.all(
    run.containers.map(async (c) => {
      if (rule.action !== 'restart') await syncOne(run, c, elapsed);
      if (rule.action === 'restart' || rule.action === 'sync+restart') {
        await run.engine.containers.restart(c.id);
        emit({ kind: 'restarted', service, container: c.name, ms: elapsed() });
      }
      if (rule.action === 'sync+exec' && rule.exec && c.state === 'running') {
        const x = rule.exec;
        const r = await runInContainer(run.engine, c.id, {
          cmd: x.command,
          env: Object.entries(x.environment ?? {}).map(([k, v]) => `${k}=${v}`),
          user: x.user,
          workingDir: x.working_dir,
          privileged: x.privileged,
        });
        emit({ kind: 'executed', service, container: c.name, exitCode: r.exitCode, output: r.output, ms: elapsed() });
      }
    }),
  );
}

async function syncOne(run: RuleRun, c: ContainerSummary, elapsed: () => number): Promise<void> {
  const writes: FileCopy[] = [];
  const deletes: string[] = [];
  for (const [host, kind] of run.changes) {
    const container = containerPath(run.rule, host);
    if (container === undefined) continue;
    if (kind === 'write') writes.push({ host, container });
    else deletes.push(container);
  }
  const { written, vanished } = await writeFiles(run.engine, c.id, writes);
  deletes.push(...vanished.map((f) => f.container));
  // A stopped container takes writes (the archive API) but cannot run `rm`: its deletes are reported, not done.
  const running = c.state === 'running';
  if (running) await deletePaths(run.engine, c.id, deletes);
  else if (deletes.length > 0)
    run.emit({ kind: 'deletes-skipped', service: run.service, container: c.name, count: deletes.length });
  if (written > 0 || (running && deletes.length > 0)) {
    run.emit({
      kind: 'synced',
      service: run.service,
      container: c.name,
      written,
      deleted: running ? deletes.length : 0,
      ms: elapsed(),
    });
  }
}
