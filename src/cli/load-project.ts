// Loads the stack for a command from the global options; warnings go to stderr, errors become one BerthError.
import { BerthError } from '../errors.js';
import type { Stack } from '../spec/model.js';
import type { ReadResult } from '../spec/read.js';
import { readStack } from '../spec/read.js';
import type { CliContext, ProjectOptions } from './context.js';
import { renderDiagnostic } from './render-error.js';
import { stackCache } from './stack-cache.js';

export function loadProject(ctx: CliContext, opts: ProjectOptions, services: readonly string[] = []): Stack {
  return loadProjectFiles(ctx, opts, services).stack;
}

/** The stack with the files it came from and the project folder (what Compose's project labels record). */
export function loadProjectFiles(
  ctx: CliContext,
  opts: ProjectOptions,
  services: readonly string[] = [],
): { stack: Stack; files: string[]; projectDir: string; output: ReadResult['output'] } {
  const { result, files, projectDir, output } = readStack({
    files: opts.file,
    projectDirectory: opts.projectDirectory,
    envFiles: opts.envFile,
    projectName: opts.projectName,
    profiles: opts.profile,
    services,
    cwd: ctx.cwd,
    env: ctx.env,
    readStdin: ctx.readStdin,
    cache: stackCache(ctx.env),
  });
  for (const w of result.warnings) ctx.stderr(`${renderDiagnostic(w, ctx.cwd)}\n`);
  if (!result.ok) {
    const n = result.errors.length;
    throw new BerthError('SPEC_INVALID', `the stack is not valid (${n} error${n === 1 ? '' : 's'})`, {
      diagnostics: result.errors,
    });
  }
  // A stack from the cache is decoded only if asked for (`config` may only need its kept output).
  return {
    get stack() {
      return result.stack;
    },
    files,
    projectDir,
    output,
  };
}
