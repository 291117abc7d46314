// The per-file phases of loading: parse, reject Compose v1 layouts, interpolate, validate against the schema.
// Shared by the main files, `extends` targets and `include`d projects.
import { posix } from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { Lookup } from './interpolate.js';
import { interpolateTree } from './interpolate-tree.js';
import { parseStackText } from './parse.js';
import { knownKeysAt } from './schema/known-keys.js';
import type { Tree, TreeMap } from './tree.js';
import { copyChildPos, copySelfPos, isList, isMap, keyPos, locate, newMap, tagOf } from './tree.js';
import { validateFile } from './validate.js';

/** What the phases share: where findings go, and the reader for files other than the -f ones. */
export interface LoadSession {
  readExtra: (path: string) => string | undefined;
  home: string | undefined;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** Unset variables already warned about: Compose warns once per name. */
  warnedVariables: Set<string>;
  /** Some file used !reset or !override: what they mark must be dropped after merging. */
  sawMergeTags: boolean;
}

const TOP_LEVEL = new Set([
  'version',
  'name',
  'include',
  'services',
  'networks',
  'volumes',
  'secrets',
  'configs',
  'models',
]);

/** Parses and checks one file; returns its documents (most files have one), or undefined after reporting errors. */
export function loadFile(session: LoadSession, file: string, text: string, lookup: Lookup): TreeMap[] | undefined {
  const parsed = parseStackText(text, file);
  if (!parsed.ok) {
    session.errors.push(...parsed.errors);
    return undefined;
  }
  if (parsed.hasMergeTags) session.sawMergeTags = true;
  const out: TreeMap[] = [];
  let failed = false;
  for (const doc of parsed.documents) {
    if (isComposeV1(doc)) {
      const first = Object.keys(doc).find((k) => !TOP_LEVEL.has(k) && !k.startsWith('x-')) as string;
      const at = keyPos(doc, first);
      session.errors.push({
        code: 'SPEC_V1_FORMAT',
        severity: 'error',
        message: `"${first}" is not a top-level key: this is a Compose file format v1 file (services at the top level), which the Compose Specification no longer reads`,
        hint: 'move the services under a "services:" key and remove "version:"',
        at: at ? { ...at, path: first } : { file, line: 1, column: 1, path: first },
      });
      failed = true;
      continue;
    }
    // Compose validates the file as written, before interpolation: the schema allows strings wherever a
    // variable may stand, and an empty value from an unset variable is not a schema error.
    const schemaErrors = validateFile(parsed.hasMergeTags ? withoutReset(doc) : doc, knownKeysAt);
    if (schemaErrors.length > 0) {
      session.errors.push(...schemaErrors);
      failed = true;
      continue;
    }
    const interpolated = interpolateTree(doc, lookup);
    session.errors.push(...interpolated.errors);
    for (const [name, at] of interpolated.missing) {
      if (session.warnedVariables.has(name)) continue;
      session.warnedVariables.add(name);
      session.warnings.push({
        code: 'SPEC_VARIABLE_NOT_SET',
        severity: 'warning',
        message: `variable "${name}" is not set, so it is replaced by an empty string`,
        hint: `set ${name} in the environment or in the project's .env file`,
        at,
      });
    }
    if (interpolated.errors.length > 0) {
      failed = true;
      continue;
    }
    if ('version' in doc) {
      session.warnings.push({
        code: 'SPEC_VERSION_OBSOLETE',
        severity: 'warning',
        message: 'the top-level key "version" is obsolete and is ignored',
        hint: 'remove it to avoid confusion',
        at: locate(doc, ['version'], true),
      });
    }
    out.push(interpolated.tree);
  }
  return failed ? undefined : out;
}

/** Compose v1 put services at the top level; v2 and the Compose Specification need them under `services:`. */
function isComposeV1(doc: TreeMap): boolean {
  if ('services' in doc) return false;
  return Object.keys(doc).some((k) => !TOP_LEVEL.has(k) && !k.startsWith('x-') && isMap(doc[k]));
}

export function dirOf(file: string): string {
  return posix.dirname(file);
}

/**
 * The file as the schema sees it: a value tagged `!reset` only says "drop this", whatever it is written as
 * (`!reset null`, `!reset` alone), so compose-go removes it before validation and so do we.
 */
function withoutReset<T extends Tree>(node: T): T {
  if (isList(node)) {
    const out: Tree[] = [];
    copySelfPos(node, out);
    node.forEach((v, i) => {
      if (tagOf(node, i) === 'reset') return;
      out.push(withoutReset(v));
      copyChildPos(node, i, out, out.length - 1);
    });
    return out as T;
  }
  if (!isMap(node)) return node;
  const out = newMap();
  copySelfPos(node, out);
  for (const k of Object.keys(node)) {
    if (tagOf(node, k) === 'reset') continue;
    out[k] = withoutReset(node[k] as Tree);
    copyChildPos(node, k, out, k);
  }
  return out as T;
}
