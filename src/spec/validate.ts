// Schema validation of one file, worded in Compose terms and pointed at the YAML. For each place only the most
// specific finding is kept (compose-go does the same): a failed `oneOf` reports the branch that got deepest.
import type { Diagnostic } from '../errors.js';
import type { SchemaIssue } from './schema/validate-schema.js';
import { validateSchema } from './schema/validate-schema.js';
import type { PathSegment, Tree } from './tree.js';
import { formatPath, locate } from './tree.js';
import { suggest } from './suggest.js';

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'a boolean',
  null: 'null',
};

export function validateFile(tree: Tree, knownKeys: (path: readonly PathSegment[]) => readonly string[]): Diagnostic[] {
  const issues = validateSchema(tree).filter(
    (i) => i.keyword !== 'oneOf' && i.keyword !== 'anyOf' && i.keyword !== 'if',
  );
  const leaves = issues.filter(
    (i) => !issues.some((j) => j.path.length > i.path.length && isPrefix(i.path, j.path) && i.keyword === 'type'),
  );
  const byPath = new Map<string, SchemaIssue[]>();
  for (const i of leaves) {
    const key = JSON.stringify(i.path);
    byPath.set(key, [...(byPath.get(key) ?? []), i]);
  }
  const out: Diagnostic[] = [];
  for (const group of byPath.values()) {
    const types = group.filter((i) => i.keyword === 'type');
    const others = group.filter((i) => i.keyword !== 'type');
    // A value of the wrong type fails every branch; "must be a string or a list" says all of it at once.
    const chosen = others.length > 0 ? dedupe(others) : types.length > 0 ? [mergeTypes(types)] : [];
    for (const issue of chosen) out.push(toDiagnostic(issue, tree, knownKeys));
  }
  return out;
}

function isPrefix(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.every((seg, i) => seg === b[i]);
}

function dedupe(list: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return list.filter((i) => {
    const k = `${i.keyword}:${JSON.stringify(i.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function mergeTypes(types: SchemaIssue[]): SchemaIssue {
  const names = [...new Set(types.flatMap((t) => String(t.params.type).split(',')))];
  return { ...(types[0] as SchemaIssue), params: { type: names.join(',') } };
}

function valueAt(tree: Tree, path: readonly PathSegment[]): Tree | undefined {
  let node: Tree | undefined = tree;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = Array.isArray(node) ? node[seg as number] : node[seg as string];
  }
  return node;
}

function show(v: Tree | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return Array.isArray(v) ? 'a list' : 'a mapping';
  return `"${String(v)}"`;
}

function toDiagnostic(
  issue: SchemaIssue,
  tree: Tree,
  knownKeys: (path: readonly PathSegment[]) => readonly string[],
): Diagnostic {
  const value = valueAt(tree, issue.path);
  const where = formatPath(issue.path) || 'the top level';
  const base = { code: 'SPEC_SCHEMA', severity: 'error' as const };
  switch (issue.keyword) {
    case 'additionalProperties': {
      const key = String(issue.params.additionalProperty);
      const path = [...issue.path, key];
      const guess = suggest(key, knownKeys(issue.path));
      return {
        ...base,
        code: 'SPEC_UNKNOWN_KEY',
        message: `${where} has an unknown key "${key}"`,
        hint: guess
          ? `did you mean "${guess}"?`
          : 'check the spelling; only keys starting with "x-" may be added freely',
        at: locate(tree, path, true),
      };
    }
    case 'required': {
      const key = String(issue.params.missingProperty);
      return { ...base, message: `${where} needs the key "${key}"`, at: locate(tree, issue.path) };
    }
    case 'type': {
      const want = String(issue.params.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t);
      return {
        ...base,
        code: 'SPEC_WRONG_TYPE',
        message: `${where} must be ${want.join(' or ')}, not ${describeType(value)}`,
        at: locate(tree, issue.path),
      };
    }
    case 'enum': {
      const allowed = (issue.params.allowedValues as unknown[]).map((v) => `"${String(v)}"`).join(', ');
      return { ...base, message: `${show(value)} is not one of ${allowed}`, at: locate(tree, issue.path) };
    }
    case 'uniqueItems':
      return {
        ...base,
        message: `${where} lists the same item twice`,
        hint: 'remove the duplicate',
        at: locate(tree, issue.path),
      };
    default:
      return {
        ...base,
        message: `${show(value)} is not valid here: ${issue.message.replace(/\bobject\b/g, 'mapping').replace(/\barray\b/g, 'list')}`,
        at: locate(tree, issue.path),
      };
  }
}

function describeType(v: Tree | undefined): string {
  if (v === null || v === undefined) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v === 'string' ? 'the string' : `the ${typeof v}`} ${show(v)}`;
}
