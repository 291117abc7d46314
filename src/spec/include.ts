// Top-level `include`: other stack files loaded as projects of their own (own folder, own .env), whose resources
// are added to the including file. A resource defined on both sides is a conflict unless both say the same.
import { posix } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Lookup } from './interpolate.js';
import { parseDotenv } from './dotenv.js';
import type { LoadSession } from './load-file.js';
import { absolutizeFile, resolvePath } from './paths.js';
import type { Tree, TreeMap } from './tree.js';
import { copyChildPos, isList, isMap, locate, newMap } from './tree.js';

/** Loads a set of files as one project (parse, include, extends, merge); injected to avoid an import cycle. */
export type LoadFiles = (
  files: ReadonlyArray<{ path: string; text: string }>,
  lookup: Lookup,
  chain: readonly string[],
) => TreeMap | undefined;

const SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

export function applyInclude(
  session: LoadSession,
  doc: TreeMap,
  file: string,
  ctx: { lookup: Lookup; chain: readonly string[]; loadFiles: LoadFiles },
): TreeMap {
  const includes = doc.include;
  if (!isList(includes)) return doc;
  let out = newMap();
  for (const k of Object.keys(doc)) {
    if (k === 'include') continue;
    out[k] = doc[k] as Tree;
    copyChildPos(doc, k, out, k);
  }
  const dir = posix.dirname(file);
  includes.forEach((entry, i) => {
    const at = locate(doc, ['include', i]);
    const spec = isMap(entry) ? entry : { path: entry };
    const paths = (isList(spec.path) ? spec.path : [spec.path]).map((p) => resolvePath(String(p), dir, session.home));
    const projectDir =
      typeof spec.project_directory === 'string'
        ? resolvePath(spec.project_directory, dir, session.home)
        : posix.dirname(paths[0] as string);
    const cycle = paths.find((p) => p === file || ctx.chain.includes(p));
    if (cycle) {
      session.errors.push({
        code: 'SPEC_INCLUDE_CYCLE',
        severity: 'error',
        message: `include cycle detected: ${[...ctx.chain, file, cycle].map((f) => `"${posix.basename(f)}"`).join(' -> ')}`,
        hint: 'a stack file must not include itself, directly or through others',
        at,
      });
      return;
    }
    const files: Array<{ path: string; text: string }> = [];
    for (const p of paths) {
      const text = session.readExtra(p);
      if (text === undefined) {
        session.errors.push({
          code: 'SPEC_INCLUDE_MISSING',
          severity: 'error',
          message: `included file "${p}" cannot be read`,
          hint: 'check the include path; it is relative to the including file',
          at,
        });
        return;
      }
      files.push({ path: p, text });
    }
    const lookup = includeLookup(session, spec.env_file, projectDir, ctx.lookup);
    const loaded = ctx.loadFiles(files, lookup, [...ctx.chain, file]);
    if (!loaded) return;
    const included = absolutizeFile(loaded, projectDir, session.home);
    out = addResources(session, out, included, at);
  });
  return out;
}

/** The included project's variables: its own env files (default `.env` in its folder) under the caller's. */
function includeLookup(session: LoadSession, envFile: Tree | undefined, projectDir: string, parent: Lookup): Lookup {
  const files =
    envFile === undefined
      ? [posix.join(projectDir, '.env')]
      : (isList(envFile) ? envFile : [envFile]).map((f) => resolvePath(String(f), projectDir, session.home));
  const vars = new Map<string, string>();
  for (const f of files) {
    const text = session.readExtra(f);
    if (text === undefined) continue;
    const parsed = parseDotenv(text, (n) => vars.get(n) ?? parent(n));
    if (parsed.ok) for (const [k, v] of parsed.vars) vars.set(k, v);
    else
      session.errors.push({
        code: 'SPEC_DOTENV',
        severity: 'error',
        message: parsed.message,
        hint: parsed.hint,
        at: { file: f, line: parsed.line, column: parsed.column, path: '' },
      });
  }
  return (name) => parent(name) ?? vars.get(name);
}

function addResources(session: LoadSession, into: TreeMap, included: TreeMap, at: ReturnType<typeof locate>): TreeMap {
  for (const section of SECTIONS) {
    const theirs = included[section];
    if (!isMap(theirs)) continue;
    const ours = isMap(into[section]) ? (into[section] as TreeMap) : newMap();
    const merged = newMap();
    for (const k of Object.keys(ours)) {
      merged[k] = ours[k] as Tree;
      copyChildPos(ours, k, merged, k);
    }
    for (const k of Object.keys(theirs)) {
      if (k in ours && !isDeepStrictEqual(ours[k], theirs[k])) {
        session.errors.push({
          code: 'SPEC_INCLUDE_CONFLICT',
          severity: 'error',
          message: `${section}.${k} is defined both here and in an included file, differently`,
          hint: 'rename one of them, or remove one definition',
          at: locate(into, [section, k], true) ?? at,
        });
        continue;
      }
      merged[k] = theirs[k] as Tree;
      copyChildPos(theirs, k, merged, k);
    }
    into[section] = merged;
  }
  return into;
}
