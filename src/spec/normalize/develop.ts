// `develop` from the raw tree to the model: each watch rule's path made absolute against the project folder,
// `ignore`/`include` as lists, `initial_sync` and `exec.privileged` as booleans, `exec.command` split as a
// command is. Runs after checks/develop.ts, so a value it cannot read is left out rather than reported.
import type { Develop, WatchAction, WatchExec, WatchRule } from '../model.js';
import { resolvePath } from '../paths.js';
import type { Tree, TreeMap } from '../tree.js';
import { isList, isMap } from '../tree.js';
import { splitShellWords, text, toList, toStringMap } from './convert.js';

const TRUE = new Set(['y', 'yes', 'true', 'on']);
const FALSE = new Set(['n', 'no', 'false', 'off']);

/** A boolean written as YAML or as text ("true", "no"...); undefined when it is neither. */
export function readBoolean(v: Tree | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
}

export function normalizeDevelop(v: Tree, ctx: { projectDir: string; home: string | undefined }): Develop {
  if (!isMap(v)) return {};
  const out: Develop = {};
  if (isList(v.watch)) {
    out.watch = v.watch.filter(isMap).map((w) => normalizeRule(w, ctx));
  }
  return out;
}

function normalizeRule(w: TreeMap, ctx: { projectDir: string; home: string | undefined }): WatchRule {
  const rule: WatchRule = {
    action: text(w.action) as WatchAction,
    path: resolvePath(text(w.path), ctx.projectDir, ctx.home),
  };
  if (typeof w.target === 'string') rule.target = w.target;
  if (w.ignore !== undefined && w.ignore !== null) rule.ignore = toList(w.ignore);
  if (w.include !== undefined && w.include !== null) rule.include = toList(w.include);
  const initial = readBoolean(w.initial_sync);
  if (initial !== undefined) rule.initial_sync = initial;
  if (isMap(w.exec)) rule.exec = normalizeExec(w.exec);
  return rule;
}

function normalizeExec(e: TreeMap): WatchExec {
  const command = e.command;
  const exec: WatchExec = {
    command: typeof command === 'string' ? splitShellWords(command) : isList(command) ? command.map(text) : [],
  };
  if (typeof e.user === 'string') exec.user = e.user;
  const privileged = readBoolean(e.privileged);
  if (privileged !== undefined) exec.privileged = privileged;
  if (typeof e.working_dir === 'string') exec.working_dir = e.working_dir;
  if (e.environment !== undefined) exec.environment = toStringMap(e.environment);
  return exec;
}
