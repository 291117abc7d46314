// YAML text to the raw tree, keeping the position of every node, expanding aliases and `<<` merge keys, and
// recording Compose's `!reset` / `!override` tags. Guards against alias bombs, deep nesting and huge input.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar as YamlScalar } from 'yaml';
import type { Document, Node as YamlNode, YAMLMap, YAMLSeq } from 'yaml';
import type { Diagnostic } from '../errors.js';
import type { Pos, Tree, TreeMap } from './tree.js';
import { newMap, setChildPos, setSelfPos, setTag } from './tree.js';

export const MAX_STACK_FILE_BYTES = 10 * 1024 * 1024;
const MAX_DEPTH = 500;
const MAX_EXPANDED_NODES = 2_000_000;

export type ParseResult = { ok: true; documents: TreeMap[] } | { ok: false; errors: Diagnostic[] };

class ParseFailure extends Error {
  readonly diagnostic: Diagnostic;
  constructor(diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.diagnostic = diagnostic;
  }
}

/** Parses one stack file. Every document of a multi-document file must be a mapping; an empty file is an error. */
export function parseStackText(text: string, file: string): ParseResult {
  const fail = (code: string, message: string, hint: string, line = 1, column = 1): ParseResult => ({
    ok: false,
    errors: [{ code, severity: 'error', message, hint, at: { file, line, column, path: '' } }],
  });
  if (text.length > MAX_STACK_FILE_BYTES) {
    return fail(
      'SPEC_FILE_TOO_LARGE',
      `stack file is ${(text.length / 1024 / 1024).toFixed(1)} MB, more than berth reads (${MAX_STACK_FILE_BYTES / 1024 / 1024} MB)`,
      'a Compose file this large is almost certainly not one; check the -f argument',
    );
  }
  const nul = text.indexOf('\0');
  // Control characters other than tab and newlines do not occur in YAML text; they mean binary data.
  // eslint-disable-next-line no-control-regex
  if (nul >= 0 || /[\u0001-\u0008\u000e-\u001f]/.test(text.slice(0, 4096))) {
    return fail('SPEC_NOT_TEXT', 'stack file is not text (it holds binary data)', 'point -f at a YAML Compose file');
  }
  if (text.trim() === '' || /^(\s*(#.*)?\n?)*$/.test(text)) {
    return fail('SPEC_EMPTY_FILE', 'stack file is empty', 'a stack file needs at least a "services:" mapping');
  }
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    if (e instanceof RangeError) return fail('SPEC_TOO_DEEP', 'stack file is nested too deeply', 'flatten the YAML');
    throw e;
  }
  const posAt = (offset: number): Pos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const errors: Diagnostic[] = [];
  for (const doc of docs) {
    // yaml turns a stack overflow inside its composer into one error per node; report it once.
    const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
    if (overflow) {
      const at = posAt(overflow.pos[0]);
      return fail('SPEC_TOO_DEEP', 'stack file is nested too deeply', 'flatten the YAML', at.line, at.column);
    }
    for (const err of doc.errors) {
      const at = posAt(err.pos[0]);
      errors.push({
        code: 'SPEC_YAML_SYNTAX',
        severity: 'error',
        message: yamlMessage(err.code, err.message),
        hint: yamlHint(err.code),
        at: { ...at, path: '' },
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, 20) };
  const documents: TreeMap[] = [];
  try {
    for (const doc of docs) {
      if (doc.contents === null) continue; // a `---` with nothing after it
      if (!isMap(doc.contents)) {
        const at = posAt(doc.contents.range?.[0] ?? 0);
        const what = isSeq(doc.contents) ? 'a list' : 'a single value';
        return fail(
          'SPEC_TOP_LEVEL_NOT_MAPPING',
          `the top level of a stack file must be a mapping, not ${what}`,
          'start the file with "services:" and list services under it',
          at.line,
          at.column,
        );
      }
      indexAnchors(doc.contents);
      // Measured before converting: expanding a billion-laughs document up to the limit would take seconds.
      const bomb = findAliasBomb(doc.contents);
      if (bomb) {
        const at = posAt(bomb.range?.[0] ?? 0);
        return fail('SPEC_ALIAS_BOMB', ALIAS_BOMB_MESSAGE, ALIAS_BOMB_HINT, at.line, at.column);
      }
      const converter = new Converter(posAt, file);
      documents.push(converter.convert(doc.contents, 0) as TreeMap);
    }
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, errors: [e.diagnostic] };
    if (e instanceof RangeError) return fail('SPEC_TOO_DEEP', 'stack file is nested too deeply', 'flatten the YAML');
    throw e;
  }
  if (documents.length === 0) {
    return fail('SPEC_EMPTY_FILE', 'stack file is empty', 'a stack file needs at least a "services:" mapping');
  }
  return { ok: true, documents };
}

function yamlMessage(code: string, message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
  if (code === 'DUPLICATE_KEY') return `${first}: a key may appear once in a mapping`;
  return `invalid YAML: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'remove or rename one of the two keys';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation: use spaces, not tabs, and line up keys of the same mapping';
    case 'TAB_AS_INDENT':
      return 'YAML does not allow tabs for indentation; use spaces';
    default:
      return 'fix the YAML syntax at this position';
  }
}

/** Turns yaml's AST into the tree. Alias targets are converted once per use, bounded by MAX_EXPANDED_NODES. */
class Converter {
  private expanded = 0;
  private readonly posAt: (offset: number) => Pos;
  private readonly file: string;
  constructor(posAt: (offset: number) => Pos, file: string) {
    this.posAt = posAt;
    this.file = file;
  }

  private pos(node: YamlNode | null | undefined): Pos | undefined {
    const r = node?.range;
    return r ? this.posAt(r[0]) : undefined;
  }

  private failAt(node: YamlNode | null | undefined, code: string, message: string, hint: string): never {
    const p = this.pos(node) ?? { file: this.file, line: 1, column: 1 };
    throw new ParseFailure({ code, severity: 'error', message, hint, at: { ...p, path: '' } });
  }

  convert(node: YamlNode | null, depth: number): Tree {
    if (++this.expanded > MAX_EXPANDED_NODES) {
      this.failAt(node, 'SPEC_ALIAS_BOMB', ALIAS_BOMB_MESSAGE, ALIAS_BOMB_HINT);
    }
    if (depth > MAX_DEPTH) this.failAt(node, 'SPEC_TOO_DEEP', 'stack file is nested too deeply', 'flatten the YAML');
    if (node === null) return null;
    if (isAlias(node)) {
      const target = node.source ? findAnchor(node) : undefined;
      if (!target) this.failAt(node, 'SPEC_YAML_SYNTAX', `unknown alias "*${node.source}"`, 'define the anchor before');
      return this.convert(target, depth + 1);
    }
    if (isScalar(node)) return scalarValue(node);
    if (isSeq(node)) return this.convertSeq(node as YAMLSeq<YamlNode>, depth);
    if (isMap(node)) return this.convertMap(node as YAMLMap<YamlNode, YamlNode>, depth);
    return null;
  }

  private convertSeq(node: YAMLSeq<YamlNode>, depth: number): Tree {
    const out: Tree[] = [];
    setSelfPos(out, this.pos(node));
    node.items.forEach((item, i) => {
      out.push(this.convert(item, depth + 1));
      setChildPos(out, i, this.pos(item));
      const tag = mergeTag(item);
      if (tag) setTag(out, i, tag);
    });
    return out;
  }

  private convertMap(node: YAMLMap<YamlNode, YamlNode>, depth: number): Tree {
    const out = newMap();
    setSelfPos(out, this.pos(node));
    const merged: Array<YAMLMap<YamlNode, YamlNode>> = [];
    for (const pair of node.items) {
      const keyNode = pair.key;
      if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === YamlScalar.PLAIN) {
        merged.push(...this.mergeSources(pair.value, keyNode));
        continue;
      }
      const key = keyText(keyNode);
      if (key === undefined) {
        this.failAt(keyNode, 'SPEC_BAD_KEY', 'a mapping key must be a plain value', 'quote the key');
      }
      out[key] = this.convert(pair.value, depth + 1);
      setChildPos(out, key, this.pos(pair.value) ?? this.pos(keyNode), this.pos(keyNode));
      const tag = mergeTag(pair.value);
      if (tag) setTag(out, key, tag);
    }
    // YAML merge keys: explicit keys win, then earlier sources win over later ones.
    for (const source of merged) {
      const converted = this.convert(source, depth + 1) as TreeMap;
      for (const k of Object.keys(converted)) {
        if (k in out) continue;
        out[k] = converted[k] as Tree;
        const pair = source.items.find((p) => keyText(p.key) === k);
        setChildPos(out, k, this.pos(pair?.value) ?? this.pos(source), this.pos(pair?.key));
      }
    }
    return out;
  }

  private mergeSources(value: YamlNode | null, keyNode: YamlNode): Array<YAMLMap<YamlNode, YamlNode>> {
    const resolve = (n: YamlNode | null): YamlNode | null | undefined => (n && isAlias(n) ? findAnchor(n) : n);
    const v = resolve(value);
    const items = v && isSeq(v) ? (v.items as YamlNode[]).map(resolve) : [v];
    return items.map((m) => {
      if (!m || !isMap(m)) {
        this.failAt(
          value ?? keyNode,
          'SPEC_BAD_MERGE_KEY',
          '"<<" must be given a mapping or a list of mappings',
          'merge an anchored mapping, e.g. "<<: *defaults"',
        );
      }
      return m as YAMLMap<YamlNode, YamlNode>;
    });
  }
}

const ALIAS_BOMB_MESSAGE = 'stack file expands to too many values through aliases';
const ALIAS_BOMB_HINT = 'use fewer nested aliases';

/**
 * The value that makes a document expand past MAX_EXPANDED_NODES (the deepest one whose expansion alone is too
 * big), or undefined. Each node's size is counted once, so this is linear in the written document.
 */
function findAliasBomb(root: YamlNode): YamlNode | undefined {
  const sizes = new Map<YamlNode, number>();
  const children = (n: YamlNode): Array<YamlNode | null> =>
    isSeq(n) ? (n.items as YamlNode[]) : isMap(n) ? n.items.map((p) => p.value as YamlNode | null) : [];
  const sizeOf = (n: YamlNode | null, depth: number): number => {
    if (!n) return 1;
    if (isAlias(n)) {
      const target = findAnchor(n);
      return target ? sizeOf(target, depth + 1) : 1;
    }
    const known = sizes.get(n);
    if (known !== undefined) return known;
    let size = 1;
    // Past MAX_DEPTH the converter reports SPEC_TOO_DEEP; there is no need to go further here.
    if (depth <= MAX_DEPTH) for (const c of children(n)) size += sizeOf(c, depth + 1);
    sizes.set(n, size);
    return size;
  };
  if (sizeOf(root, 0) <= MAX_EXPANDED_NODES) return undefined;
  let node = root;
  for (;;) {
    const next = children(node).find((c) => c !== null && sizeOf(c, MAX_DEPTH) > MAX_EXPANDED_NODES);
    if (!next || isAlias(next)) return next ?? node;
    node = next;
  }
}

// yaml resolves an alias against its document; we keep a per-alias lookup that walks back to the anchor.
const anchorIndex = new WeakMap<object, Map<string, YamlNode>>();
function findAnchor(alias: { source: string }): YamlNode | undefined {
  return anchorIndex.get(alias)?.get(alias.source);
}

/** Runs over a document before conversion: records, for each alias, the node its anchor named before it. */
function indexAnchors(root: YamlNode | null): void {
  const seen = new Map<string, YamlNode>();
  const walk = (n: YamlNode | null | undefined): void => {
    if (!n) return;
    if (isAlias(n)) {
      anchorIndex.set(n, new Map(seen));
      return;
    }
    const anchor = (n as { anchor?: string }).anchor;
    if (isMap(n)) {
      for (const p of n.items) {
        walk(p.key as YamlNode);
        walk(p.value as YamlNode);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) walk(item as YamlNode);
    }
    // The anchor is visible to aliases after the anchored node (YAML forbids forward references).
    if (anchor) seen.set(anchor, n);
  };
  walk(root);
}

function keyText(key: unknown): string | undefined {
  if (key === null || key === undefined) return '';
  if (isScalar(key)) {
    const v = key.value;
    if (v === null) return 'null';
    if (typeof v === 'object') return undefined;
    // Keep the source text of numbers and booleans (`8080:` stays "8080", `true:` stays "true").
    return typeof key.source === 'string' ? key.source : String(v);
  }
  return undefined;
}

function scalarValue(node: YamlScalar): Tree {
  const v = node.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) || Number.isNaN(v) ? v : String(node.source);
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}

function mergeTag(node: YamlNode | null | undefined): 'reset' | 'override' | undefined {
  const tag = (node as { tag?: string } | null | undefined)?.tag;
  if (tag === '!reset') return 'reset';
  if (tag === '!override') return 'override';
  return undefined;
}
