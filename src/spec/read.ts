// The one shell file of src/spec: finds the stack files the way Compose does, reads them, the .env file and the
// environment, and hands everything to the pure loadStack.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BerthError } from '../errors.js';
import { parseDotenv } from './dotenv.js';
import type { LoadInput, LoadResult, SourceText } from './load.js';
import { loadStack } from './load.js';
import type { CachedLoad, StackCache } from './load-cache.js';
import { loadStackCached } from './load-cache.js';
import { MAX_STACK_FILE_BYTES } from './stack-file-limit.js';

export const STACK_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_NAMES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
];

export interface ReadOptions {
  /** -f, in order; "-" is standard input. Empty: COMPOSE_FILE, else search the folder and its parents. */
  files: readonly string[];
  projectDirectory?: string;
  /** --env-file, in order; empty: the project folder's .env. */
  envFiles: readonly string[];
  projectName?: string;
  profiles?: readonly string[];
  services?: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  readStdin: () => string;
  /** Where to keep loaded stacks between runs (src/spec/load-cache.ts); none: load every time. */
  cache?: StackCache;
}

export interface ReadResult {
  result: LoadResult;
  files: string[];
  projectDir: string;
  /** A text derived from the stack alone, kept in the cache beside it when there is one. */
  output: CachedLoad['output'];
}

export function readStack(opts: ReadOptions): ReadResult {
  const files = findStackFiles(opts);
  const sources: SourceText[] = files.map((f) => ({
    path: f,
    text: f.endsWith('/-') ? opts.readStdin() : readStackFile(f),
  }));
  const projectDir = opts.projectDirectory ? resolve(opts.cwd, opts.projectDirectory) : dirname(files[0] as string);
  const env = composeEnvironment(opts, projectDir);
  const input: LoadInput = {
    files: sources,
    readExtra,
    env,
    projectDir,
    projectName: opts.projectName,
    profiles: opts.profiles && opts.profiles.length > 0 ? opts.profiles : undefined,
    services: opts.services,
  };
  if (opts.cache) {
    const { result, output } = loadStackCached(input, opts.cache);
    return { result, files, projectDir, output };
  }
  return { result: loadStack(input), files, projectDir, output: (_, render) => render() };
}

function findStackFiles(opts: ReadOptions): string[] {
  const explicit = opts.files.length > 0 ? opts.files : splitComposeFile(opts.env);
  if (explicit.length > 0) {
    return explicit.map((f) => (f === '-' ? join(opts.cwd, '-') : isAbsolute(f) ? f : resolve(opts.cwd, f)));
  }
  const start = opts.projectDirectory ? resolve(opts.cwd, opts.projectDirectory) : opts.cwd;
  for (let dir = start; ; dir = dirname(dir)) {
    const found = STACK_FILE_NAMES.find((n) => existsSync(join(dir, n)));
    if (found) {
      const override = OVERRIDE_NAMES.find((n) => existsSync(join(dir, n)));
      return override ? [join(dir, found), join(dir, override)] : [join(dir, found)];
    }
    if (dirname(dir) === dir) break;
  }
  throw new BerthError('CLI_NO_STACK_FILE', `no stack file found in "${start}" or any parent folder`, {
    hint: `create a compose.yaml there, or name one with -f (looked for ${STACK_FILE_NAMES.join(', ')})`,
  });
}

function splitComposeFile(env: ReadOptions['env']): string[] {
  const v = env.COMPOSE_FILE;
  if (!v) return [];
  return v.split(env.COMPOSE_PATH_SEPARATOR ?? ':').filter((s) => s !== '');
}

function readStackFile(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) {
      throw new BerthError('CLI_STACK_FILE_IS_DIR', `"${file}" is a folder, not a stack file`, {
        hint: `use -f ${join(file, 'compose.yaml')}`,
      });
    }
    size = st.size;
  } catch (e) {
    if (e instanceof BerthError) throw e;
    throw fileError(file, e);
  }
  if (size > MAX_STACK_FILE_BYTES) {
    throw new BerthError(
      'SPEC_FILE_TOO_LARGE',
      `${file}:1:1: stack file is ${(size / 1024 / 1024).toFixed(1)} MB, more than berth reads (${MAX_STACK_FILE_BYTES / 1024 / 1024} MB)`,
      {
        hint: 'a Compose file this large is almost certainly not one; check the -f argument',
      },
    );
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw fileError(file, e);
  }
}

function fileError(file: string, e: unknown): BerthError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new BerthError('CLI_STACK_FILE_NOT_FOUND', `stack file "${file}" does not exist`, {
      hint: 'check the -f path (it is relative to the current folder)',
      cause: e,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new BerthError('CLI_STACK_FILE_UNREADABLE', `stack file "${file}" cannot be read: permission denied`, {
      hint: 'check its permissions',
      cause: e,
    });
  }
  return new BerthError('CLI_STACK_FILE_UNREADABLE', `stack file "${file}" cannot be read (${code ?? String(e)})`, {
    cause: e,
  });
}

function readExtra(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The process environment over the .env file(s): Compose gives the process environment precedence. */
function composeEnvironment(opts: ReadOptions, projectDir: string): Record<string, string> {
  const processEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) processEnv[k] = v;
  const envFiles =
    opts.envFiles.length > 0 ? opts.envFiles.map((f) => resolve(opts.cwd, f)) : [join(projectDir, '.env')];
  const fromFiles: Record<string, string> = {};
  for (const file of envFiles) {
    if (opts.envFiles.length === 0 && !existsSync(file)) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new BerthError('CLI_ENV_FILE_UNREADABLE', `env file "${file}" cannot be read`, {
        hint: 'check the --env-file path',
        cause: e,
      });
    }
    const parsed = parseDotenv(text, (n) => processEnv[n] ?? fromFiles[n]);
    if (!parsed.ok) {
      throw new BerthError('SPEC_DOTENV', `${file}:${parsed.line}:${parsed.column}: ${parsed.message}`, {
        hint: parsed.hint,
      });
    }
    for (const [k, v] of parsed.vars) fromFiles[k] = v;
  }
  return { ...fromFiles, ...processEnv };
}
