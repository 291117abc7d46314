// Which changed files a watch rule acts on, as Compose decides it (compose pkg/watch): the rule's `ignore`
// patterns relative to the rule's path, then `include` (when given, only files it matches), the .dockerignore of
// the service's build context when the rule's path lies inside that context (patterns relative to the context),
// and the files editors and git leave about, which are never synced. Patterns are .dockerignore syntax.
import { relative, sep } from 'node:path';
import type { WatchRule } from '../../spec/model.js';
import { compileIgnore } from '../../client/dockerignore.js';
import type { IgnoreMatcher } from '../../client/dockerignore.js';

/** Compose's EphemeralPathMatcher and its default `.git` ignore: editor swap, backup and lock files. */
export const DEFAULT_IGNORES: readonly string[] = [
  '**/.git',
  '**/.idea',
  '**/*___jb_old___',
  '**/*___jb_tmp___',
  '**/.#*',
  '**/#*#',
  '**/4913',
  '**/*~',
  '**/.*.swp',
  '**/.*.swx',
  '**/.*.swo',
  '**/.*.swn',
  '**/.*.kate-swp',
];

/** The build context a rule may sit in, and its .dockerignore patterns (parsed, as the build reads them). */
export interface ContextIgnore {
  dir: string;
  patterns: readonly string[];
}

/**
 * A rule's filter on absolute host paths. `ignores(p)` is true for a path that is never acted on (a folder too:
 * the watcher does not walk into it); `accepts(p)` is true for a file whose change the rule acts on.
 */
export interface RuleMatcher {
  ignores(path: string): boolean;
  accepts(path: string): boolean;
}

const toSlash = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));

/** `path` relative to `dir` with `/`, or undefined when it is not inside `dir` ('' for `dir` itself). */
export function inside(dir: string, path: string): string | undefined {
  const rel = relative(dir, path);
  if (rel === '') return '';
  if (rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith(sep)) return undefined;
  return toSlash(rel);
}

export function compileRuleMatcher(rule: WatchRule, context?: ContextIgnore): RuleMatcher {
  const defaults = compileIgnore(DEFAULT_IGNORES);
  const own: IgnoreMatcher | undefined = rule.ignore?.length ? compileIgnore(rule.ignore) : undefined;
  const include: IgnoreMatcher | undefined = rule.include?.length ? compileIgnore(rule.include) : undefined;
  const fromContext =
    context && context.patterns.length > 0 && inside(context.dir, rule.path) !== undefined
      ? { dir: context.dir, matcher: compileIgnore(context.patterns) }
      : undefined;
  const ignores = (path: string): boolean => {
    const rel = inside(rule.path, path);
    if (rel === undefined) return true; // never outside the rule's tree (a symlink's target, say)
    // A rule on one file: its name alone is matched against the defaults.
    const name = rel === '' ? (path.split(sep).pop() ?? '') : rel;
    if (defaults.ignores(name)) return true;
    if (rel !== '' && own?.ignores(rel)) return true;
    if (fromContext) {
      const relCtx = inside(fromContext.dir, path);
      if (relCtx !== undefined && relCtx !== '' && fromContext.matcher.ignores(relCtx)) return true;
    }
    return false;
  };
  return {
    ignores,
    accepts: (path) => {
      if (ignores(path)) return false;
      const rel = inside(rule.path, path) ?? '';
      return include === undefined || rel === '' || include.ignores(rel);
    },
  };
}
