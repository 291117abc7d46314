// The project name, by Compose's order: -p, COMPOSE_PROJECT_NAME, the top-level `name`, the folder name.
// A name given on the command line or in the environment must already be valid; the top-level `name` and the folder
// name are normalized (lowercased, other characters dropped), as compose-go does, and an empty result falls through.
import { posix } from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { TreeMap } from './tree.js';

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

export function normalizeProjectName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

export function chooseProjectName(
  tree: TreeMap,
  from: { flag?: string; env?: string; projectDir: string; file: string },
): { ok: true; value: string } | { ok: false; error: Diagnostic } {
  const explicit: Array<[string | undefined, string]> = [
    [from.flag, 'the -p option'],
    [from.env, 'COMPOSE_PROJECT_NAME'],
  ];
  for (const [value, source] of explicit) {
    if (value === undefined || value === '') continue;
    if (VALID.test(value)) return { ok: true, value };
    return {
      ok: false,
      error: {
        code: 'SPEC_INVALID_PROJECT_NAME',
        severity: 'error',
        message: `project name "${value}" from ${source} is not valid: it must hold only lowercase letters, digits, "-" and "_", and start with a letter or digit`,
        hint: normalizeProjectName(value) ? `use "${normalizeProjectName(value)}"` : undefined,
      },
    };
  }
  const fromFile = typeof tree.name === 'string' ? normalizeProjectName(tree.name) : '';
  if (fromFile !== '') return { ok: true, value: fromFile };
  const fromDir = normalizeProjectName(posix.basename(from.projectDir));
  if (fromDir) return { ok: true, value: fromDir };
  return {
    ok: false,
    error: {
      code: 'SPEC_NO_PROJECT_NAME',
      severity: 'error',
      message: `the folder name "${posix.basename(from.projectDir)}" gives no valid project name`,
      hint: 'set one with -p NAME or a top-level "name:"',
      at: { file: from.file, line: 1, column: 1, path: '' },
    },
  };
}
