// The raw stack-file tree: plain JSON-like values, with source positions and merge tags kept beside them.
import type { SourceAt } from '../errors.js';

export type Scalar = string | number | boolean | null;
export type Tree = Scalar | TreeMap | TreeList;
export interface TreeMap {
  [key: string]: Tree;
}
export type TreeList = Tree[];
export type PathSegment = string | number;

/** A position in a stack file; `path` is filled in when a diagnostic is made. */
export type Pos = Omit<SourceAt, 'path'>;

/** `!reset` drops the value (and what lower files said); `!override` replaces instead of merging. */
export type MergeTag = 'reset' | 'override';

/**
 * What the parser learned about one container (mapping or list) of the tree. Containers are never shared between
 * two places of a tree after parsing (aliases are expanded), so a container's meta describes exactly one place.
 * Positions are packed into one number each (file index, line, column): a 500-service stack has ~100,000 of them.
 */
interface Meta {
  self: number; // 0: unknown
  values: Map<PathSegment, number>; // where the value of a key or list item starts
  keys: Map<PathSegment, number> | undefined; // where a mapping key is written
  tags: Map<PathSegment, MergeTag> | undefined;
}

const metas = new WeakMap<object, Meta>();
const fileNames: string[] = [];
const fileIndex = new Map<string, number>();
const COL = 1_048_576; // 2^20: up to a million lines and columns; file index above that

function pack(pos: Pos): number {
  let f = fileIndex.get(pos.file);
  if (f === undefined) {
    f = fileNames.push(pos.file) - 1;
    fileIndex.set(pos.file, f);
  }
  return ((f + 1) * COL + Math.min(pos.line, COL - 1)) * COL + Math.min(pos.column, COL - 1);
}

function unpack(n: number | undefined): Pos | undefined {
  if (!n) return undefined;
  const column = n % COL;
  const rest = (n - column) / COL;
  const line = rest % COL;
  return { file: fileNames[(rest - line) / COL - 1] as string, line, column };
}

function metaOf(container: object): Meta {
  let m = metas.get(container);
  if (!m) {
    m = { self: 0, values: new Map(), keys: undefined, tags: undefined };
    metas.set(container, m);
  }
  return m;
}

export function newMap(): TreeMap {
  return Object.create(null) as TreeMap;
}

export function isMap(v: unknown): v is TreeMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isList(v: unknown): v is TreeList {
  return Array.isArray(v);
}

export function setSelfPos(container: object, pos: Pos | undefined): void {
  if (pos) metaOf(container).self = pack(pos);
}

export function setChildPos(container: object, key: PathSegment, value: Pos | undefined, keyPos?: Pos): void {
  const m = metaOf(container);
  if (value) m.values.set(key, pack(value));
  if (keyPos) (m.keys ??= new Map()).set(key, pack(keyPos));
}

export function setTag(container: object, key: PathSegment, tag: MergeTag): void {
  (metaOf(container).tags ??= new Map()).set(key, tag);
}

export function tagOf(container: object, key: PathSegment): MergeTag | undefined {
  return metas.get(container)?.tags?.get(key);
}

export function selfPos(container: object): Pos | undefined {
  return unpack(metas.get(container)?.self);
}

export function valuePos(container: object, key: PathSegment): Pos | undefined {
  const m = metas.get(container);
  return unpack(m?.values.get(key) ?? m?.keys?.get(key));
}

export function keyPos(container: object, key: PathSegment): Pos | undefined {
  const m = metas.get(container);
  return unpack(m?.keys?.get(key) ?? m?.values.get(key));
}

/** Copies what is known about `from[fromKey]` to `to[toKey]` (used when a value moves during merge or extends). */
export function copyChildPos(from: object, fromKey: PathSegment, to: object, toKey: PathSegment): void {
  const m = metas.get(from);
  if (!m) return;
  const value = m.values.get(fromKey);
  const key = m.keys?.get(fromKey);
  const tag = m.tags?.get(fromKey);
  if (value === undefined && key === undefined && tag === undefined) return;
  const t = metaOf(to);
  if (value !== undefined) t.values.set(toKey, value);
  if (key !== undefined) (t.keys ??= new Map()).set(toKey, key);
  if (tag !== undefined) (t.tags ??= new Map()).set(toKey, tag);
}

export function copySelfPos(from: object, to: object): void {
  const self = metas.get(from)?.self;
  if (self) metaOf(to).self = self;
}

/** `services.web.ports[0]`: the Compose way of naming a place in a stack file. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/**
 * The most precise known position for `path` in `root`: the value's own position if known, else the nearest
 * ancestor's. With `asKey`, the last segment's key position is preferred (for "unknown key" errors).
 */
export function locate(root: Tree, path: readonly PathSegment[], asKey = false): SourceAt | undefined {
  let best: Pos | undefined = typeof root === 'object' && root !== null ? selfPos(root) : undefined;
  let node: Tree | undefined = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof node !== 'object' || node === null) break;
    const seg = path[i] as PathSegment;
    const last = i === path.length - 1;
    const pos = last && asKey ? keyPos(node, seg) : valuePos(node, seg);
    if (pos) best = pos;
    node = isList(node) ? node[seg as number] : (node as TreeMap)[seg as string];
  }
  return best ? { ...best, path: formatPath(path) } : undefined;
}

/** Deep copy of a tree that keeps positions and tags. */
export function cloneTree<T extends Tree>(value: T): T {
  if (isList(value)) {
    const out: TreeList = value.map((v) => cloneTree(v));
    transferMeta(value, out);
    return out as T;
  }
  if (isMap(value)) {
    const out = newMap();
    for (const k of Object.keys(value)) out[k] = cloneTree(value[k] as Tree);
    transferMeta(value, out);
    return out as T;
  }
  return value;
}

function transferMeta(from: object, to: object): void {
  const m = metas.get(from);
  if (!m) return;
  metas.set(to, {
    self: m.self,
    values: new Map(m.values),
    keys: m.keys && new Map(m.keys),
    tags: m.tags && new Map(m.tags),
  });
}
