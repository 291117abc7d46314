// Builders for loader tests: stack files as inline text under /p/, extra files (extends, include, env_file) as a
// Map lookup. No file system, no process environment: every case is pure and synchronous.
import type { Diagnostic } from '../../../src/errors.js';
import type { LoadInput, LoadResult } from '../../../src/spec/load.js';
import { loadStack } from '../../../src/spec/load.js';
import type { Stack } from '../../../src/spec/model.js';

export interface LoadOptions {
  /** Files reachable through extends, include and env_file, by path (relative paths are under /p/). */
  extra?: Record<string, string>;
  env?: Record<string, string>;
  projectDir?: string;
  projectName?: string;
  profiles?: readonly string[];
  services?: readonly string[];
}

const under = (path: string): string => (path.startsWith('/') ? path : `/p/${path}`);

/** Loads `files` as -f files in order (relative names under /p/); the first one is the main file. */
export function load(files: Record<string, string>, opts: LoadOptions = {}): LoadResult {
  const extra = new Map(Object.entries(opts.extra ?? {}).map(([p, text]) => [under(p), text]));
  const input: LoadInput = {
    files: Object.entries(files).map(([path, text]) => ({ path: under(path), text })),
    readExtra: (path) => extra.get(path),
    env: opts.env ?? {},
    projectDir: opts.projectDir ?? '/p',
  };
  if (opts.projectName !== undefined) input.projectName = opts.projectName;
  if (opts.profiles !== undefined) input.profiles = opts.profiles;
  if (opts.services !== undefined) input.services = opts.services;
  return loadStack(input);
}

/** The stack of a load that must succeed; throws with the errors otherwise, so a failing case says why. */
export function stackOf(files: Record<string, string>, opts: LoadOptions = {}): Stack {
  const result = load(files, opts);
  if (!result.ok) throw new Error(`expected the stack to load, got:\n${JSON.stringify(result.errors, null, 2)}`);
  return result.stack;
}

/** A single compose.yaml. */
export function stackOfText(text: string, opts: LoadOptions = {}): Stack {
  return stackOf({ 'compose.yaml': text }, opts);
}

export interface ErrorAt {
  code: string;
  line: number | undefined;
  column: number | undefined;
  path: string | undefined;
}

/** The errors of a load as `{code, line, column, path}`; [] when it succeeded. */
export function errorsOf(result: LoadResult): ErrorAt[] {
  if (result.ok) return [];
  return result.errors.map((e) => ({ code: e.code, line: e.at?.line, column: e.at?.column, path: e.at?.path }));
}

/** The full diagnostics of a load that must fail. */
export function diagnosticsOf(result: LoadResult): Diagnostic[] {
  if (result.ok) throw new Error('expected the load to fail, but it succeeded');
  return result.errors;
}

/** Joins lines into a YAML document, so that line numbers in tests are easy to count. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
