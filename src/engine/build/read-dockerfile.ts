// The first stage of a build: the Dockerfile read from inside the unpacked context and parsed, then the build
// files that the .dockerignore excludes dropped from what COPY sees.
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import { pruneBuildFiles } from './context/prune-build-files.js';
import type { Dockerfile } from './dockerfile/index.js';
import { parseDockerfile } from './dockerfile/index.js';

/** invalid ENGINE_BUILD_CONTEXT when `name` is missing or leads outside `contextDir` (through a symlink too). */
export async function readDockerfile(contextDir: string, name: string): Promise<Dockerfile> {
  let text: string;
  try {
    // Resolved first: a Dockerfile that is a symlink must not read a file outside the context.
    const [root, path] = await Promise.all([realpath(contextDir), realpath(join(contextDir, name))]);
    if (!path.startsWith(`${root}/`)) throw new Error('outside the context');
    text = await readFile(path, 'utf8');
  } catch {
    throw new EngineError('invalid', 'ENGINE_BUILD_CONTEXT', `Cannot locate specified Dockerfile: ${name}`, {
      hint: 'the Dockerfile must be inside the build context; name it with -f relative to the context',
    });
  }
  const df = parseDockerfile(text, name);
  await pruneBuildFiles(contextDir, name); // an ignored Dockerfile or .dockerignore is not copied by COPY . .
  return df;
}
