// develop.watch rules the schema accepts but Compose refuses when it starts watching (compose-go's
// checkConsistency and compose's watch.go): a sync action needs a `target` to copy into, `sync+exec` needs a
// command, and the booleans written as text must read as booleans. berth refuses them when the file is loaded,
// so `config` and `up` say so too, rather than `watch` alone.
import type { Diagnostic } from '../../errors.js';
import { readBoolean } from '../normalize/develop.js';
import type { PathSegment, Tree, TreeMap } from '../tree.js';
import { isList, isMap, locate } from '../tree.js';

const SYNC_ACTIONS = new Set(['sync', 'sync+restart', 'sync+exec']);

export function checkDevelop(tree: TreeMap): Diagnostic[] {
  const services = isMap(tree.services) ? tree.services : {};
  const out: Diagnostic[] = [];
  for (const [name, svc] of Object.entries(services)) {
    if (!isMap(svc) || !isMap(svc.develop) || !isList(svc.develop.watch)) continue;
    svc.develop.watch.forEach((rule, i) => {
      if (isMap(rule)) out.push(...checkRule(tree, rule, ['services', name, 'develop', 'watch', i]));
    });
  }
  return out;
}

function checkRule(tree: TreeMap, rule: TreeMap, at: PathSegment[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const action = String(rule.action);
  const where = (...rest: PathSegment[]) => locate(tree, [...at, ...rest]);
  if (SYNC_ACTIONS.has(action) && (typeof rule.target !== 'string' || rule.target === '')) {
    out.push({
      code: 'SPEC_WATCH_NO_TARGET',
      severity: 'error',
      message: `watch action "${action}" needs a target`,
      hint: 'add "target:", the folder in the container that mirrors "path", or use action "rebuild" or "restart"',
      at: where('action'),
    });
  }
  if (action === 'sync+exec' && !hasCommand(rule.exec)) {
    out.push({
      code: 'SPEC_WATCH_NO_EXEC',
      severity: 'error',
      message: 'watch action "sync+exec" needs an exec command',
      hint: 'add "exec: {command: ...}", the command to run in the container after each sync',
      at: where('action'),
    });
  }
  if (rule.exec !== undefined && action !== 'sync+exec') {
    out.push({
      code: 'SPEC_WATCH_EXEC_UNUSED',
      severity: 'error',
      message: `"exec" is only run by action "sync+exec", not "${action}"`,
      hint: 'set "action: sync+exec", or remove "exec"',
      at: locate(tree, [...at, 'exec'], true),
    });
  }
  out.push(...checkBoolean(tree, rule.initial_sync, [...at, 'initial_sync']));
  if (isMap(rule.exec)) out.push(...checkBoolean(tree, rule.exec.privileged, [...at, 'exec', 'privileged']));
  return out;
}

function hasCommand(exec: Tree | undefined): boolean {
  if (!isMap(exec)) return false;
  const c = exec.command;
  return typeof c === 'string' ? c.trim() !== '' : isList(c) && c.length > 0;
}

function checkBoolean(tree: TreeMap, v: Tree | undefined, at: PathSegment[]): Diagnostic[] {
  if (v === undefined || v === null || readBoolean(v) !== undefined) return [];
  return [
    {
      code: 'SPEC_BAD_BOOLEAN',
      severity: 'error',
      message: `"${String(v)}" is not a boolean`,
      hint: 'write true or false',
      at: locate(tree, at),
    },
  ];
}
