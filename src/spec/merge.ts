// Merging stack files (and extends) by the compose-spec rules, the way compose-go's override package does it:
// mappings merge key by key, sequences append, scalars are replaced; a table of paths has its own rule; then
// sequences whose items have an identity (ports, volumes, environment entries...) keep one item per identity,
// the later one in the earlier one's place. `!reset` drops a value, `!override` replaces instead of merging.
import type { PortMapping } from './syntax/ports.js';
import { parsePortShort, portKey } from './syntax/ports.js';
import type { PathSegment, Tree, TreeList, TreeMap } from './tree.js';
import { copyChildPos, copySelfPos, isList, isMap, newMap, tagOf } from './tree.js';

type Merger = (base: Tree, over: Tree, path: readonly PathSegment[]) => Tree;

const specials: Array<[string, Merger]> = [
  ['services.*.command', (_b, o) => o],
  ['services.*.entrypoint', (_b, o) => o],
  ['services.*.healthcheck.test', (_b, o) => o],
  ['services.*.logging', mergeLogging],
  ['services.*.ulimits.*', (b, o, p) => (isMap(b) && isMap(o) ? mergeMappings(b, o, p) : o)],
  ['services.*.build', (b, o, p) => mergeTrees(buildAsMap(b), buildAsMap(o), p, true)],
  ['services.*.depends_on', (b, o, p) => mergeMappings(dependsOnAsMap(b), dependsOnAsMap(o), p)],
  ['services.*.networks', (b, o, p) => mergeMappings(namesAsMap(b), namesAsMap(o), p)],
  ...[
    'services.*.environment',
    'services.*.labels',
    'services.*.annotations',
    'services.*.sysctls',
    'services.*.build.args',
    'services.*.build.labels',
    'services.*.build.additional_contexts',
    'services.*.deploy.labels',
    'services.*.extra_hosts',
    'services.*.build.extra_hosts',
    'networks.*.labels',
    'volumes.*.labels',
    'secrets.*.labels',
    'configs.*.labels',
  ].map((p): [string, Merger] => [p, (b, o) => appendLists(withoutReset(asKeyValueList(b), o), asKeyValueList(o))]),
];

/** Identity of a sequence item, for the paths where Compose keeps one item per identity. */
type Indexer = (item: Tree) => string;
const byKeyValue: Indexer = (v) => (typeof v === 'string' ? (v.split('=')[0] ?? v) : JSON.stringify(v));
const byString: Indexer = (v) => (isMap(v) ? JSON.stringify(v) : String(v));
const byTarget: Indexer = (v) => (isMap(v) ? String(v.target ?? v.source) : volumeTarget(String(v)));
// compose-go expands short ports to the long syntax before it enforces unicity, so "127.0.0.1:8080:80" and its
// long form are the same port; a short range stays one item, as its parts cannot be replaced one by one here.
const byPort: Indexer = (v) => {
  if (isMap(v)) return `${v.host_ip || '0.0.0.0'}:${v.published ?? ''}:${v.target}/${v.protocol ?? 'tcp'}`;
  const parsed = typeof v === 'string' || typeof v === 'number' ? parsePortShort(v) : undefined;
  return parsed?.ok && parsed.value.length === 1 ? portKey(parsed.value[0] as PortMapping) : String(v);
};
const byPath: Indexer = (v) => (isMap(v) ? String(v.path) : String(v));
const mountBy =
  (dir: string): Indexer =>
  (v) =>
    isMap(v) ? String(v.target ?? `${dir}/${String(v.source)}`) : `${dir}/${String(v)}`;

const unique: Array<[string, Indexer]> = [
  ['services.*.environment', byKeyValue],
  ['services.*.labels', byKeyValue],
  ['services.*.annotations', byKeyValue],
  ['services.*.sysctls', byKeyValue],
  ['services.*.build.args', byKeyValue],
  ['services.*.build.labels', byKeyValue],
  ['services.*.build.additional_contexts', byKeyValue],
  ['services.*.build.tags', byString],
  ['services.*.build.platforms', byString],
  ['services.*.deploy.labels', byKeyValue],
  ['services.*.extra_hosts', (v) => (typeof v === 'string' ? (v.split(/[=:]/)[0] ?? v) : String(v))],
  ['services.*.cap_add', byString],
  ['services.*.cap_drop', byString],
  ['services.*.dns', byString],
  ['services.*.dns_opt', byString],
  ['services.*.dns_search', byString],
  ['services.*.expose', byString],
  ['services.*.links', byString],
  ['services.*.profiles', byString],
  ['services.*.tmpfs', byString],
  ['services.*.networks.*.aliases', byString],
  ['services.*.networks.*.link_local_ips', byString],
  ['services.*.ports', byPort],
  ['services.*.volumes', byTarget],
  ['services.*.devices', (v) => (isMap(v) ? String(v.target ?? v.source) : deviceTarget(String(v)))],
  ['services.*.env_file', byPath],
  ['services.*.label_file', byString],
  ['services.*.secrets', mountBy('/run/secrets')],
  ['services.*.configs', mountBy('')],
  ['networks.*.labels', byKeyValue],
  ['volumes.*.labels', byKeyValue],
];

const splitCache = new Map<string, readonly string[]>();

function matches(pattern: string, path: readonly PathSegment[]): boolean {
  let parts = splitCache.get(pattern);
  if (!parts) splitCache.set(pattern, (parts = pattern.split('.')));
  if (parts.length !== path.length) return false;
  for (let i = 0; i < parts.length; i++) if (parts[i] !== '*' && parts[i] !== String(path[i])) return false;
  return true;
}

/** Merges `over` onto `base`. Neither input is changed; the result shares no container with them. */
export function mergeTrees(base: Tree, over: Tree, path: readonly PathSegment[] = [], skipSpecial = false): Tree {
  if (!skipSpecial) {
    for (const [pattern, merger] of specials) {
      if (matches(pattern, path)) return merger(base, over, path);
    }
  }
  if (isMap(base) && isMap(over)) return mergeMappings(base, over, path);
  if (isList(base) && isList(over)) return appendLists(base, over);
  return over;
}

function mergeMappings(base: TreeMap, over: TreeMap, path: readonly PathSegment[]): TreeMap {
  const out = newMap();
  copySelfPos(base, out);
  for (const k of Object.keys(base)) {
    out[k] = base[k] as Tree;
    copyChildPos(base, k, out, k);
  }
  for (const k of Object.keys(over)) {
    const tag = tagOf(over, k);
    if (tag === 'reset') {
      delete out[k];
      continue;
    }
    const v = over[k] as Tree;
    out[k] =
      !(k in base) || tag === 'override' || k.startsWith('x-') ? v : mergeTrees(base[k] as Tree, v, [...path, k]);
    copyChildPos(over, k, out, k);
  }
  return out;
}

function appendLists(base: TreeList, over: TreeList): TreeList {
  const out: TreeList = [];
  copySelfPos(base, out);
  base.forEach((v, i) => {
    out.push(v);
    copyChildPos(base, i, out, i);
  });
  over.forEach((v, i) => {
    if (tagOf(over, i) === 'reset') return;
    out.push(v);
    copyChildPos(over, i, out, out.length - 1);
  });
  return out;
}

function mergeLogging(base: Tree, over: Tree, path: readonly PathSegment[]): Tree {
  if (!isMap(base) || !isMap(over)) return over;
  // Options merge only when both files name the same driver, or one names none.
  if (!('driver' in over) || !('driver' in base) || over.driver === base.driver) return mergeMappings(base, over, path);
  return over;
}

/** Map-form `environment`/`labels`/... as a `K=V` list, so that both forms merge alike (compose-go does the same). */
export function asKeyValueList(v: Tree): TreeList {
  if (isList(v)) return v;
  const out: TreeList = [];
  if (!isMap(v)) return out;
  copySelfPos(v, out);
  for (const k of Object.keys(v)) {
    const val = v[k];
    out.push(
      val === null || val === undefined ? k : `${k}=${isMap(val) || isList(val) ? JSON.stringify(val) : String(val)}`,
    );
    copyChildPos(v, k, out, out.length - 1);
  }
  return out;
}

/** `environment: {FOO: !reset null}` removes FOO from what lower files said, whichever form they used. */
function withoutReset(base: TreeList, over: Tree): TreeList {
  if (!isMap(over)) return base;
  const reset = new Set(Object.keys(over).filter((k) => tagOf(over, k) === 'reset'));
  if (reset.size === 0) return base;
  const out: TreeList = [];
  copySelfPos(base, out);
  base.forEach((v, i) => {
    if (reset.has(byKeyValue(v))) return;
    out.push(v);
    copyChildPos(base, i, out, out.length - 1);
  });
  return out;
}

function buildAsMap(v: Tree): Tree {
  if (typeof v !== 'string') return v;
  const out = newMap();
  out.context = v;
  return out;
}

function dependsOnAsMap(v: Tree): TreeMap {
  if (isMap(v)) return v;
  const out = newMap();
  if (!isList(v)) return out;
  copySelfPos(v, out);
  v.forEach((name, i) => {
    const entry = newMap();
    entry.condition = 'service_started';
    entry.required = true;
    out[String(name)] = entry;
    copyChildPos(v, i, out, String(name));
  });
  return out;
}

function namesAsMap(v: Tree): TreeMap {
  if (isMap(v)) return v;
  const out = newMap();
  if (!isList(v)) return out;
  copySelfPos(v, out);
  v.forEach((name, i) => {
    out[String(name)] = null;
    copyChildPos(v, i, out, String(name));
  });
  return out;
}

/**
 * Keeps one item per identity in the sequences that have one, and drops what `!reset` still marks; recurses
 * through the whole tree. Runs once on the result of all merges (or on a lone file).
 */
export function enforceUnique(tree: Tree, path: readonly PathSegment[] = []): Tree {
  if (isMap(tree)) {
    const out = newMap();
    copySelfPos(tree, out);
    for (const k of Object.keys(tree)) {
      if (tagOf(tree, k) === 'reset') continue;
      out[k] = enforceUnique(tree[k] as Tree, [...path, k]);
      copyChildPos(tree, k, out, k);
    }
    return out;
  }
  if (!isList(tree)) return tree;
  const indexer = unique.find(([p]) => matches(p, path))?.[1];
  const out: TreeList = [];
  copySelfPos(tree, out);
  const seen = new Map<string, number>();
  tree.forEach((item, i) => {
    if (tagOf(tree, i) === 'reset') return;
    const key = indexer ? indexer(item) : undefined;
    const at = key === undefined ? undefined : seen.get(key);
    const value = enforceUnique(item, [...path, i]);
    if (at !== undefined) {
      out[at] = value;
      copyChildPos(tree, i, out, at);
      return;
    }
    out.push(value);
    copyChildPos(tree, i, out, out.length - 1);
    if (key !== undefined) seen.set(key, out.length - 1);
  });
  return out;
}

function volumeTarget(short: string): string {
  const parts = short.split(':');
  if (parts.length >= 2 && /^[a-zA-Z]$/.test(parts[0] ?? '')) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
  return parts.length === 1 ? (parts[0] ?? short) : (parts[1] ?? short);
}

function deviceTarget(short: string): string {
  const parts = short.split(':');
  return parts[1] ?? parts[0] ?? short;
}

/**
 * enforceUnique for trees without merge tags: visits only the sequences that have an identity and replaces a
 * sequence (in its parent, in place) only when it holds a duplicate. The tree must be the caller's own.
 */
export function enforceUniqueInPlace(tree: TreeMap): TreeMap {
  for (const [pattern] of unique) {
    const [section, , ...rest] = pattern.split('.') as [string, string, ...string[]];
    const resources = tree[section];
    if (!isMap(resources)) continue;
    for (const name of Object.keys(resources)) visitLists(resources[name] as Tree, rest, [section, name]);
  }
  return tree;
}

function visitLists(node: Tree, parts: readonly string[], path: PathSegment[]): void {
  if (!isMap(node)) return;
  const [head, ...rest] = parts as [string, ...string[]];
  for (const k of head === '*' ? Object.keys(node) : [head]) {
    const child = node[k];
    if (child === undefined) continue;
    if (rest.length > 0) {
      visitLists(child, rest, [...path, k]);
      continue;
    }
    if (!isList(child) || child.length < 2) continue;
    const deduped = enforceUnique(child, [...path, k]);
    if ((deduped as TreeList).length !== child.length) node[k] = deduped;
  }
}
