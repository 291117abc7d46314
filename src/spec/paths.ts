// Relative paths of the raw tree made absolute against a base folder: for files reached through `extends` or
// `include`, whose paths are relative to their own folder rather than the project's (Compose's rule).
import { posix } from 'node:path';
import type { Tree, TreeMap } from './tree.js';
import { copyChildPos, copySelfPos, isList, isMap, newMap } from './tree.js';

/** Build contexts that are not folders: git and http URLs (compose-go's isRemoteContext) and named contexts. */
export function isRemoteContext(ctx: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ctx) || ctx.startsWith('git@') || ctx.startsWith('github.com/');
}

/** `~`, `~/x` and relative paths to absolute; absolute paths unchanged. */
export function resolvePath(p: string, baseDir: string, home: string | undefined): string {
  if (p === '~' || p.startsWith('~/')) return home ? posix.join(home, p.slice(1)) : p;
  return posix.isAbsolute(p) ? posix.normalize(p) : posix.join(baseDir, p);
}

function isLocalSource(s: string): boolean {
  return s.startsWith('.') || s.startsWith('/') || s.startsWith('~');
}

type Rewrite = (value: Tree) => Tree;

function withKey(map: TreeMap, key: string, rewrite: Rewrite): TreeMap {
  if (!(key in map)) return map;
  const out = newMap();
  copySelfPos(map, out);
  for (const k of Object.keys(map)) {
    out[k] = k === key ? rewrite(map[k] as Tree) : (map[k] as Tree);
    copyChildPos(map, k, out, k);
  }
  return out;
}

function eachItem(rewrite: Rewrite): Rewrite {
  return (v) => {
    if (!isList(v)) return rewrite(v);
    const out = v.map(rewrite);
    copySelfPos(v, out);
    v.forEach((_, i) => copyChildPos(v, i, out, i));
    return out;
  };
}

/** A service's relative paths resolved against `baseDir`: build context, env_file, label_file, binds, watch paths. */
export function absolutizeService(service: Tree, baseDir: string, home: string | undefined): Tree {
  if (!isMap(service)) return service;
  const abs = (v: Tree): Tree => (typeof v === 'string' ? resolvePath(v, baseDir, home) : v);
  let s = service;
  s = withKey(s, 'build', (b) => {
    if (typeof b === 'string') return isRemoteContext(b) ? b : abs(b);
    if (!isMap(b)) return b;
    return withKey(b, 'context', (c) => (typeof c === 'string' && isRemoteContext(c) ? c : abs(c)));
  });
  s = withKey(
    s,
    'env_file',
    eachItem((e) => (isMap(e) ? withKey(e, 'path', abs) : abs(e))),
  );
  s = withKey(s, 'label_file', eachItem(abs));
  s = withKey(
    s,
    'volumes',
    eachItem((v) => {
      if (typeof v === 'string') {
        const [src, ...rest] = v.split(':');
        return src !== undefined && rest.length > 0 && isLocalSource(src)
          ? [resolvePath(src, baseDir, home), ...rest].join(':')
          : v;
      }
      if (isMap(v) && v.type === 'bind') return withKey(v, 'source', abs);
      return v;
    }),
  );
  s = withKey(s, 'develop', (d) =>
    isMap(d)
      ? withKey(
          d,
          'watch',
          eachItem((w) => (isMap(w) ? withKey(w, 'path', abs) : w)),
        )
      : d,
  );
  s = withKey(s, 'extends', (e) => (isMap(e) ? withKey(e, 'file', abs) : e));
  return s;
}

/** Top-level secrets and configs: their `file` is relative to the file that declares them. */
export function absolutizeFileResource(resource: Tree, baseDir: string, home: string | undefined): Tree {
  if (!isMap(resource)) return resource;
  return withKey(resource, 'file', (f) => (typeof f === 'string' ? resolvePath(f, baseDir, home) : f));
}

/** Every relative path of a whole file, for an included project. */
export function absolutizeFile(tree: TreeMap, baseDir: string, home: string | undefined): TreeMap {
  const mapEach = (section: string, fn: (v: Tree) => Tree): void => {
    const m = tree[section];
    if (!isMap(m)) return;
    const out = newMap();
    copySelfPos(m, out);
    for (const k of Object.keys(m)) {
      out[k] = fn(m[k] as Tree);
      copyChildPos(m, k, out, k);
    }
    tree = withKey(tree, section, () => out);
  };
  mapEach('services', (s) => absolutizeService(s, baseDir, home));
  mapEach('secrets', (s) => absolutizeFileResource(s, baseDir, home));
  mapEach('configs', (s) => absolutizeFileResource(s, baseDir, home));
  return tree;
}
