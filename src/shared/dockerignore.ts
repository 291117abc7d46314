// .dockerignore as the docker CLI reads and applies it (moby/patternmatcher): the file is parsed with Docker's
// ReadAll, matching is @balena/dockerignore (a port of moby's matcher), and the walk into excluded folders
// follows moby's archive.TarWithOptions, which still enters a folder when an exception may match inside it.
// Both sides speak it, so it lives in src/shared: the client packs the build context with it, and berthd's build
// drops an ignored Dockerfile and .dockerignore from what COPY sees with the same rules.
import dockerignore from '@balena/dockerignore';

// The package is CommonJS with a default-export typing; `.default` is the factory both to tsc and at run time.
const ignore = dockerignore.default;

/** A compiled .dockerignore: `patterns` as Docker keeps them (cleaned, no leading `/`, `!` for exceptions). */
export interface IgnoreMatcher {
  patterns: readonly string[];
  /** True when the context-relative path (no leading `./`, `/`-separated) is excluded. */
  ignores(rel: string): boolean;
  /** True when an excluded folder must still be walked because an exception names something under it. */
  mustWalk(dirRel: string): boolean;
}

const BOM = '\uFEFF';

/** Docker's ignorefile.ReadAll: comments and blank lines dropped, patterns cleaned, leading `/` removed. */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  const lines = (text.startsWith(BOM) ? text.slice(1) : text).split(/\r?\n/);
  for (const line of lines) {
    if (line.startsWith('#')) continue; // only a `#` in the first column is a comment, as in Docker
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** Go's filepath.Clean for `/`-separated paths. */
export function cleanPath(path: string): string {
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !rooted) out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined === '' ? '.' : joined;
}

/**
 * Compiles patterns, adding exceptions for `keep` (the .dockerignore and the Dockerfile) when they would be
 * excluded, as the docker CLI's TrimBuildFilesFromExcludes does, so that the daemon always receives them.
 * Matching is case-sensitive, as on Linux.
 */
export function compileIgnore(patterns: readonly string[], keep: readonly string[] = []): IgnoreMatcher {
  const base = ignore({ ignorecase: false }).add([...patterns]);
  const all = [...patterns];
  for (const name of keep) if (base.ignores(name)) all.push(`!${name}`); // ignores() also checks parent folders
  const matcher = all.length === patterns.length ? base : ignore({ ignorecase: false }).add(all);
  const exceptions = all.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return {
    patterns: all,
    ignores: (rel) => matcher.ignores(rel),
    mustWalk: (dirRel) => exceptions.some((p) => `${p}/`.startsWith(`${dirRel}/`)),
  };
}
