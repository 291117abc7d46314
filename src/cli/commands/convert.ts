// `berth convert --to kubernetes [-o DIR] [SERVICE...]`: the shell around the pure conversion. It loads the
// stack, reads the secret and config files, prints the objects (stdout, or one file per object under DIR) and
// the keys that do not translate as warnings on stderr.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { convertToKubernetes } from '../../convert/kubernetes/convert.js';
import { objectFileNames, renderYamlDocument, renderYamlStream } from '../../convert/kubernetes/render.js';
import type { Conversion } from '../../convert/kubernetes/types.js';
import type { Diagnostic } from '../../errors.js';
import { BerthError } from '../../errors.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { loadProject } from '../load-project.js';

export interface ConvertOptions {
  to: 'kubernetes';
  output?: string;
}

/** What convert did: the text for stdout ('' with -o), the files written, and the untranslated keys. */
export interface ConvertReport {
  stdout: string;
  written: string[];
  warnings: Diagnostic[];
}

// Files a previous `convert -o` wrote; one whose object is gone is removed so `kubectl apply -f DIR` matches.
const OWN_FILE =
  /^\d{2,}-(deployment|statefulset|service|persistentvolumeclaim|configmap|secret|networkpolicy)-[a-z0-9.-]+\.yaml$/;

export function convertCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: readonly string[],
  opts: ConvertOptions,
): ConvertReport {
  const stack = loadProject(ctx, global, services);
  for (const n of services)
    if (!stack.services[n])
      throw new BerthError('CLI_UNKNOWN_SERVICE', `no such service: "${n}"`, {
        hint: `services are: ${Object.keys(stack.services).sort().join(', ')}`,
      });
  const conversion = convertToKubernetes({ stack, services, env: ctx.env, readFile: readIfPresent });
  const warnings = conversion.untranslated.map((u): Diagnostic => ({
    code: 'CONVERT_NOT_TRANSLATED',
    severity: 'warning',
    message: `${u.path}: ${u.reason}`,
  }));
  if (opts.output === undefined) return { stdout: renderYamlStream(conversion.objects), written: [], warnings };
  return { stdout: '', written: writeObjects(resolve(ctx.cwd, opts.output), conversion), warnings };
}

function readIfPresent(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Writes every object to a temp file first, then renames them all into place: no half-written file is seen. */
function writeObjects(dir: string, conversion: Conversion): string[] {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
  } catch (e) {
    throw new BerthError('CLI_CONVERT_OUTPUT', `cannot write to "${dir}": ${(e as Error).message}`, {
      hint: 'give -o a folder that can be created or written',
      cause: e,
    });
  }
  const names = objectFileNames(conversion.objects);
  const temps = conversion.objects.map((o, i) => {
    const temp = join(dir, `.${names[i]}.${process.pid}.tmp`);
    writeFileSync(temp, renderYamlDocument(o));
    return temp;
  });
  for (const stale of readdirSync(dir).filter((f) => OWN_FILE.test(f) && !names.includes(f))) rmSync(join(dir, stale));
  temps.forEach((temp, i) => renameSync(temp, join(dir, names[i] as string)));
  return names.map((n) => join(dir, n));
}
