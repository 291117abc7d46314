// A running watch: one chokidar watcher per rule, its events filtered by the rule's matcher and batched, each
// batch acted on for every container of the service. Actions of one service run one after another (a sync
// never races the restart it precedes); services run side by side.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FSWatcher } from 'chokidar';
import { watch } from 'chokidar';
import { isEngineError } from '../../client/errors.js';
import type { ContainerSummary } from '../../client/types.js';
import { isBerthError } from '../../errors.js';
import type { WatchEvent } from './actions.js';
import { runRule } from './actions.js';
import type { BatchOptions, Batcher, ChangeKind } from './batch.js';
import { DEFAULT_BATCHING, createBatcher } from './batch.js';
import type { WatchEngine } from './engine.js';
import type { RuleMatcher } from './match.js';
import { compileRuleMatcher } from './match.js';
import type { WatchTarget } from './targets.js';

export interface WatchSessionOptions {
  engine: WatchEngine;
  project: string;
  targets: readonly WatchTarget[];
  rebuild: (service: string) => Promise<void>;
  emit: (e: WatchEvent) => void;
  /** false: skip `initial_sync` (the watch is restarted after a stack file edit, and the tree is in place). */
  initialSync?: boolean;
  /** Batching (batch.ts); the defaults are DEFAULT_BATCHING. */
  batching?: Omit<BatchOptions, 'onBatch'>;
}

/** A watch that has started: its initial syncs done and its watchers ready. */
export interface WatchSession {
  /** Resolves when no batch is waiting or being acted on. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startWatchSession(opts: WatchSessionOptions): Promise<WatchSession> {
  const queues = new Map<string, Promise<void>>();
  const inTurn = (service: string, f: () => Promise<void>): Promise<void> => {
    const next = (queues.get(service) ?? Promise.resolve()).then(f);
    queues.set(
      service,
      next.catch(() => undefined),
    );
    return next;
  };
  // The running containers of each service are listed once and kept until an action fails (a container
  // recreated behind the watch's back) or a rebuild recreates them: a list per save would add an API call.
  const known = new Map<string, ContainerSummary[]>();
  const containersOf = async (service: string): Promise<ContainerSummary[]> => {
    const cached = known.get(service);
    // A stopped container may have been started since: its state decides whether deletes and exec can run.
    if (cached && cached.every((c) => c.state === 'running')) return cached;
    const found = await serviceContainers(opts.engine, opts.project, service);
    known.set(service, found);
    return found;
  };
  const rebuild = async (service: string): Promise<void> => {
    known.delete(service);
    await opts.rebuild(service);
  };
  const act = (target: WatchTarget, changes: ReadonlyMap<string, ChangeKind>, since: number): Promise<void> =>
    inTurn(target.service, async () => {
      const run = async (): Promise<void> => {
        const containers = await containersOf(target.service);
        await runRule({ ...opts, rebuild, service: target.service, rule: target.rule, containers, changes, since });
      };
      try {
        await run().catch(async (e: unknown) => {
          if (!isEngineError(e, 'not-found') && !isEngineError(e, 'conflict')) throw e;
          known.delete(target.service); // a container gone or stopped since it was listed: list again, once
          await run();
        });
      } catch (e) {
        const hint = isBerthError(e) ? e.hint : undefined;
        opts.emit({
          kind: 'failed',
          service: target.service,
          message: (e as Error).message,
          ...(hint ? { hint } : {}),
        });
      }
    });

  const watchers: FSWatcher[] = [];
  const batchers: Batcher[] = [];
  for (const target of opts.targets) {
    const matcher = compileRuleMatcher(target.rule, target.context);
    if (opts.initialSync !== false && target.rule.initial_sync && target.rule.action.startsWith('sync')) {
      const files = await walkTree(target.rule.path, matcher);
      await act(target, new Map(files.map((f) => [f, 'write'])), performance.now());
    }
    const batcher = createBatcher({
      ...(opts.batching ?? DEFAULT_BATCHING),
      onBatch: (b) => act(target, b.changes, b.firstEventAt),
    });
    batchers.push(batcher);
    watchers.push(await startWatcher(target.rule.path, matcher, (path, kind, more) => batcher.add(path, kind, more)));
  }
  return {
    idle: async () => {
      await Promise.all(batchers.map((b) => b.idle()));
      await Promise.all(queues.values());
    },
    close: async () => {
      for (const b of batchers) b.close();
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}

/**
 * chokidar on one path. Symlinks are reported as themselves and never followed, so a link out of the tree
 * brings nothing of what it points at; `atomic` is off because it holds deletes back 100 ms.
 */
function startWatcher(
  path: string,
  matcher: RuleMatcher,
  onChange: (path: string, kind: ChangeKind, more?: boolean) => void,
): Promise<FSWatcher> {
  const w = watch(path, {
    ignoreInitial: true,
    followSymlinks: false,
    atomic: false,
    ignored: (p: string) => matcher.ignores(p),
  });
  const write = (p: string): void => {
    if (matcher.accepts(p)) onChange(p, 'write');
  };
  const addDir = (p: string): void => {
    if (matcher.accepts(p)) onChange(p, 'write', true);
  };
  const remove = (p: string): void => {
    if (!matcher.ignores(p)) onChange(p, 'delete');
  };
  w.on('add', write).on('change', write).on('addDir', addDir).on('unlink', remove).on('unlinkDir', remove);
  return new Promise((resolve, reject) => {
    w.once('ready', () => resolve(w));
    w.once('error', reject);
  });
}

/** Every accepted file, link and folder under `root`, parents first; links are not followed. */
async function walkTree(root: string, matcher: RuleMatcher): Promise<string[]> {
  const out: string[] = [];
  const st = await lstat(root).catch(() => undefined);
  if (!st) return out;
  if (!st.isDirectory()) return matcher.accepts(root) ? [root] : [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (matcher.ignores(p)) continue;
      if (entry.isDirectory()) {
        out.push(p);
        await visit(p);
      } else if (matcher.accepts(p)) out.push(p);
    }
  };
  await visit(root);
  return out;
}

/** The service's containers, stopped ones too, one-off (`run`) containers left out. */
async function serviceContainers(engine: WatchEngine, project: string, service: string): Promise<ContainerSummary[]> {
  const found = await engine.containers.list({
    all: true,
    labels: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`],
  });
  return found
    .filter((c) => c.labels['com.docker.compose.oneoff'] !== 'True')
    .sort((a, b) => a.name.localeCompare(b.name));
}
