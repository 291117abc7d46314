// loadStack: stack files in, the normalized Stack (or every error found) out. Pure and synchronous: the files,
// the environment and a reader for other files are given by the caller (src/spec/read.ts in the CLI).
//
// Phases, as in compose-go: per file parse -> interpolate -> validate -> include -> extends; then merge the files
// in order, keep one item per identity, choose the project name, apply profiles, check what the schema cannot
// express, normalize.
import { posix } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { sortDiagnostics } from '../errors.js';
import { checkStack } from './checks/index.js';
import { applyExtends } from './extends.js';
import type { LoadFiles } from './include.js';
import { applyInclude } from './include.js';
import type { Lookup } from './interpolate.js';
import type { LoadSession } from './load-file.js';
import { loadFile } from './load-file.js';
import { enforceUnique, enforceUniqueInPlace, mergeTrees } from './merge.js';
import type { Stack } from './model.js';
import { normalizeStack } from './normalize/index.js';
import { applyProfiles } from './profiles.js';
import { chooseProjectName } from './project-name.js';
import type { Tree, TreeMap } from './tree.js';
import { newMap } from './tree.js';

export interface SourceText {
  path: string; // absolute
  text: string;
}

export interface LoadInput {
  /** Each -f file in order (the override file already appended by the caller when Compose would add it). */
  files: readonly SourceText[];
  /** Reads a file that extends, include or env_file name; undefined when it cannot be read. */
  readExtra: (path: string) => string | undefined;
  /** The process environment overlaid on the project's .env (the process wins, as in Compose). */
  env: Readonly<Record<string, string>>;
  projectDir: string;
  /** -p; otherwise COMPOSE_PROJECT_NAME, then the top-level `name`, then the folder name. */
  projectName?: string;
  /** --profile; otherwise COMPOSE_PROFILES. */
  profiles?: readonly string[];
  /** Services named on the command line: they and what they depend on are enabled whatever their profiles. */
  services?: readonly string[];
}

export type LoadResult =
  { ok: true; stack: Stack; warnings: Diagnostic[] } | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

export function loadStack(input: LoadInput): LoadResult {
  const session: LoadSession = {
    readExtra: input.readExtra,
    home: input.env.HOME,
    errors: [],
    warnings: [],
    warnedVariables: new Set(),
    sawMergeTags: false,
  };
  const lookup: Lookup = (name) => input.env[name];
  const loadFiles: LoadFiles = (files, fileLookup, chain) => {
    let merged: Tree = newMap();
    let failed = false;
    for (const f of files) {
      const docs = loadFile(session, f.path, f.text, fileLookup);
      if (!docs) {
        failed = true;
        continue;
      }
      for (const doc of docs) {
        const included = applyInclude(session, doc, f.path, { lookup: fileLookup, chain, loadFiles });
        merged = mergeTrees(merged, applyExtends(session, included, f.path, fileLookup));
      }
    }
    return failed ? undefined : (merged as TreeMap);
  };
  const merged = loadFiles(input.files, lookup, []);
  const done = (): LoadResult => ({
    ok: false,
    errors: sortDiagnostics(session.errors),
    warnings: sortDiagnostics(session.warnings),
  });
  if (!merged || session.errors.length > 0) return done();
  const tree = (session.sawMergeTags ? enforceUnique(merged) : enforceUniqueInPlace(merged)) as TreeMap;
  const firstFile = input.files[0]?.path ?? posix.join(input.projectDir, 'compose.yaml');
  const name = chooseProjectName(tree, {
    flag: input.projectName,
    env: input.env.COMPOSE_PROJECT_NAME,
    projectDir: input.projectDir,
    file: firstFile,
  });
  if (!name.ok) {
    session.errors.push(name.error);
    return done();
  }
  const profiles = input.profiles ?? splitList(input.env.COMPOSE_PROFILES);
  const enabled = applyProfiles(tree, { profiles, services: input.services ?? [] });
  session.errors.push(...enabled.errors);
  session.errors.push(...checkStack(enabled.tree, enabled.disabled));
  if (session.errors.length > 0) return done();
  const normalized = normalizeStack(enabled.tree, {
    name: name.value,
    projectDir: input.projectDir,
    env: input.env,
    readExtra: input.readExtra,
    disabledServices: enabled.disabled,
  });
  session.errors.push(...normalized.errors);
  session.warnings.push(...normalized.warnings);
  if (session.errors.length > 0) return done();
  return { ok: true, stack: normalized.stack, warnings: sortDiagnostics(session.warnings) };
}

function splitList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
